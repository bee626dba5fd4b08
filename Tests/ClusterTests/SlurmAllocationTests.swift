import Testing

@testable import Cluster

/// The environments below are what Slurm 22.05 sets in a batch job (checked on the local cluster of
/// `deploy/slurm-cluster`: `sbatch -N 2` gives SLURM_TASKS_PER_NODE=1(x2) and no SLURM_NTASKS).
@Suite struct SlurmAllocationTests {
    @Test func outsideAnAllocationThereIsNone() throws {
        #expect(try SlurmAllocation(environment: [:]) == nil)
        #expect(try SlurmAllocation(environment: ["SLURM_TASKS_PER_NODE": "2"]) == nil)
    }

    @Test(arguments: [
        ("1", 1), ("1(x2)", 2), ("2(x3),1", 7), ("4,2,1", 7), ("16(x128)", 2048),
    ])
    func tasksPerNodeAreSummed(text: String, slots: Int) throws {
        // Independent reference: expand the compressed list by hand.
        var expanded = [Int]()
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "(")
            let repeats = parts.count == 2 ? Int(parts[1].dropFirst().dropLast())! : 1
            expanded += Array(repeating: Int(parts[0])!, count: repeats)
        }
        #expect(expanded.reduce(0, +) == slots)
        #expect(try SlurmAllocation.slots(tasksPerNode: text) == slots)
    }

    @Test func ranksComeFromMinusNThenTasksThenSlots() throws {
        let nodesOnly = try #require(
            try SlurmAllocation(environment: [
                "SLURM_JOB_ID": "17", "SLURM_JOB_NUM_NODES": "2", "SLURM_TASKS_PER_NODE": "1(x2)",
            ]))
        #expect(nodesOnly == SlurmAllocation(jobID: "17", nodes: 2, tasks: nil, slots: 2))
        #expect(nodesOnly.ranks(requested: nil) == 2)
        #expect(nodesOnly.ranks(requested: 1) == 1)
        let withTasks = try #require(
            try SlurmAllocation(environment: [
                "SLURM_JOB_ID": "18", "SLURM_JOB_NUM_NODES": "2", "SLURM_NTASKS": "3", "SLURM_TASKS_PER_NODE": "2,1",
            ]))
        #expect(withTasks.ranks(requested: nil) == 3)
        #expect(withTasks.ranks(requested: 4) == 4)
    }

    @Test func malformedVariablesAreNamed() {
        func problem(_ environment: [String: String]) -> String? {
            do {
                _ = try SlurmAllocation(environment: environment)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(
            problem(["SLURM_JOB_ID": "5"])
                == "Slurm allocation: SLURM_TASKS_PER_NODE is not set; expected the tasks of each node, as Slurm "
                + "sets it in a job (SLURM_JOB_ID is 5)")
        #expect(
            problem(["SLURM_JOB_ID": "5", "SLURM_TASKS_PER_NODE": "2(3)"])
                == "Slurm allocation: SLURM_TASKS_PER_NODE is '2(3)'; expected items like 2 or 2(x3), comma-separated")
        #expect(
            problem(["SLURM_JOB_ID": "5", "SLURM_TASKS_PER_NODE": "1", "SLURM_NTASKS": "0"])
                == "Slurm allocation: SLURM_NTASKS is '0'; expected a positive integer")
    }

    @Test func launchLineInsideAnAllocationNamesNoHosts() throws {
        let allocation = try #require(
            try SlurmAllocation(environment: [
                "SLURM_JOB_ID": "9", "SLURM_JOB_NUM_NODES": "2", "SLURM_TASKS_PER_NODE": "1(x2)",
            ]))
        var plan = LaunchPlan(
            ranks: allocation.ranks(requested: nil), slurm: allocation, localSlots: 8, runningAsRoot: false,
            forwarded: ["PATH"], command: ["/bin/partita", "train"])
        #expect(
            plan.shellLine
                == "mpirun -np 2 --bind-to none -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1 "
                + "--mca odls_base_sigkill_timeout 3 /bin/partita train")
        // The allocation's slots, not the local cores, decide oversubscription.
        plan.ranks = 3
        #expect(plan.arguments.contains("--oversubscribe"))
    }
}
