/// A Slurm allocation (`sbatch`, `salloc`) as the job's environment describes it.
///
/// Open MPI's `mpirun` reads the allocation itself (its `ras`/`plm` slurm components take the nodes from
/// `SLURM_JOB_NODELIST` and the slots from `SLURM_TASKS_PER_NODE`, and start one `orted` per node with
/// `srun`), so `partita launch` needs no hostfile inside one: only the number of ranks, which is `-n` when
/// given, else the tasks the job asked for (`SLURM_NTASKS`), else every slot (one per task Slurm placed).
public struct SlurmAllocation: Sendable, Equatable {
    /// `SLURM_JOB_ID`.
    public let jobID: String
    /// `SLURM_JOB_NUM_NODES`.
    public let nodes: Int
    /// `SLURM_NTASKS`; nil when the job gave no task count (`sbatch -N 2` alone).
    public let tasks: Int?
    /// The sum of `SLURM_TASKS_PER_NODE` ("2(x3),1" is 2 + 2 + 2 + 1 = 7): the slots mpirun sees.
    public let slots: Int

    public init(jobID: String, nodes: Int, tasks: Int?, slots: Int) {
        self.jobID = jobID
        self.nodes = nodes
        self.tasks = tasks
        self.slots = slots
    }

    /// The allocation described by `environment`, or nil outside one (no `SLURM_JOB_ID`). Throws, naming the
    /// variable, when a variable Slurm sets is missing or malformed.
    public init?(environment: [String: String]) throws(SlurmAllocationError) {
        guard let jobID = environment["SLURM_JOB_ID"], !jobID.isEmpty else { return nil }
        func positive(_ name: String) throws(SlurmAllocationError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), value > 0 else {
                throw SlurmAllocationError(variable: name, value: text, expected: "a positive integer")
            }
            return value
        }
        guard let perNode = environment["SLURM_TASKS_PER_NODE"], !perNode.isEmpty else {
            throw SlurmAllocationError(
                variable: "SLURM_TASKS_PER_NODE", value: nil,
                expected: "the tasks of each node, as Slurm sets it in a job (SLURM_JOB_ID is \(jobID))")
        }
        let slots = try Self.slots(tasksPerNode: perNode)
        let nodes = try positive("SLURM_JOB_NUM_NODES")
        let tasks = try positive("SLURM_NTASKS")
        self.init(jobID: jobID, nodes: nodes ?? 1, tasks: tasks, slots: slots)
    }

    /// The ranks to start: `requested` (`-n`) when given, else the job's task count, else every slot.
    public func ranks(requested: Int?) -> Int { requested ?? tasks ?? slots }

    /// Sums Slurm's compressed per-node task counts: comma-separated `count` or `count(xrepeat)` items.
    public static func slots(tasksPerNode text: String) throws(SlurmAllocationError) -> Int {
        var total = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            var count = Substring(item)
            var repeats = 1
            if let open = item.firstIndex(of: "(") {
                count = item[..<open]
                let inside = item[item.index(after: open)...]
                guard inside.hasPrefix("x"), inside.hasSuffix(")"), let value = Int(inside.dropFirst().dropLast()),
                    value > 0
                else {
                    throw SlurmAllocationError(
                        variable: "SLURM_TASKS_PER_NODE", value: text,
                        expected: "items like 2 or 2(x3), comma-separated")
                }
                repeats = value
            }
            guard let value = Int(count), value > 0 else {
                throw SlurmAllocationError(
                    variable: "SLURM_TASKS_PER_NODE", value: text, expected: "items like 2 or 2(x3), comma-separated")
            }
            total += value * repeats
        }
        return total
    }
}

/// A Slurm job environment `partita launch` cannot use.
public struct SlurmAllocationError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let value: String?
    public let expected: String

    public init(variable: String, value: String?, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
    }

    public var description: String {
        let found = value.map { "is '\($0)'" } ?? "is not set"
        return "Slurm allocation: \(variable) \(found); expected \(expected)"
    }
}
