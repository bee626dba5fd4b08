import Checkpoints
import Foundation
import TestSupport
import Testing
import Training

/// Training under a real Slurm cluster (Debian's slurmctld and slurmd, `deploy/slurm-cluster`): jobs submitted
/// with `sbatch deploy/slurm/train.sbatch` on 2 nodes, one rank per node, `partita launch` taking the hosts
/// from the allocation. Uses the cluster `SLURM_CONF` names (`.ci/run` starts one); without it, each test
/// starts its own under a temporary folder on ports 16917+ and stops it afterwards.
///
/// Jobs are signalled once rank 0 says it waits at step 10 (`PARTITA_FAULT=wait`), never after a guessed delay.
/// Every wait is bounded (a broken test ends, it does not hang).
@Suite(.serialized) final class SlurmTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let settings = ["model.dtype=float64", "model.hidden=[32]", "train.max_steps=30", "run.report=true"]

    let directory = BuiltProducts.temporaryDirectory("partita-slurm-test")
    let conf: String
    /// The folder of a cluster this test started, nil when it uses the one SLURM_CONF names.
    let ownCluster: String?

    init() throws {
        if let conf = ProcessInfo.processInfo.environment["SLURM_CONF"], FileManager.default.fileExists(atPath: conf) {
            self.conf = conf
            ownCluster = nil
        } else {
            // A short path: munge's and slurmstepd's Unix sockets live under it (at most 107 bytes).
            let folder = FileManager.default.temporaryDirectory.path + "/ps-" + UUID().uuidString.prefix(8)
            let up = try Self.clusterScript(["up", "2"], folder: folder, log: directory)
            guard up.status == 0 else { throw BuiltProducts.Failure(description: "slurm-cluster up: \(up.log)") }
            conf = folder + "/slurm.conf"
            ownCluster = folder
        }
    }

    deinit {
        if let ownCluster { _ = try? Self.clusterScript(["down"], folder: ownCluster, log: directory) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `deploy/slurm-cluster` for a cluster under `folder` (ports 16917+). Through `BackgroundJob`, not
    /// pipes: the daemons `up` leaves running would hold a pipe open.
    static func clusterScript(_ arguments: [String], folder: String, log: String) throws -> (status: Int32, log: String)
    {
        let job = try BackgroundJob(
            root + "/deploy/slurm-cluster", arguments,
            environment: ["PARTITA_SLURM_DIR": folder, "PARTITA_SLURM_PORT": "16917"], directory: log)
        let status = job.waitForExit(limit: 120).status
        return (status, job.log)
    }

    /// Runs a Slurm client command against the cluster.
    func slurm(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> BuiltProducts.Output
    {
        try BuiltProducts.run(
            "/usr/bin/" + tool, arguments, environment: ["SLURM_CONF": conf].merging(environment) { $1 })
    }

    /// `sbatch -N 2 deploy/slurm/train.sbatch` with the test settings; the job id and its output file.
    func submit(_ options: [String] = [], fault: String? = nil) throws -> (id: String, output: String) {
        var environment = ["PARTITA": BuiltProducts.partita, "PARTITA_RUNS": directory + "/runs"]
        if let fault { environment["PARTITA_FAULT"] = fault }
        let result = try slurm(
            "sbatch",
            [
                "--parsable", "-N", "2", "--chdir", directory, "--output", directory + "/job-%j.out",
                "--open-mode=append",
            ]
                + options + [Self.root + "/deploy/slurm/train.sbatch"] + Self.settings.flatMap { ["--set", $0] },
            environment: environment)
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, !id.isEmpty else {
            throw BuiltProducts.Failure(description: "sbatch failed: \(result.stderr)")
        }
        return (id, directory + "/job-\(id).out")
    }

    /// The job's state (PENDING, RUNNING, ...), nil once it has left the queue.
    /// The job's state in `squeue`, nil once it has left the queue. A failed `squeue` (a busy controller on a
    /// loaded machine) is "UNKNOWN", never nil: only an answer saying the queue lacks the job counts as gone.
    func state(_ id: String) throws -> String? {
        let result = try slurm("squeue", ["-h", "-j", id, "-o", "%T"])
        guard result.status == 0 else {
            // A job purged from the controller (MinJobAge after it ended) is gone too.
            return result.stderr.contains("Invalid job id") ? nil : "UNKNOWN"
        }
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Polls until `condition` holds, at most `limit` seconds; whether it held.
    func eventually(limit: Double = 180, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return false
    }

    func output(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    static func runInfo(_ run: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The same training straight through on 2 local ranks (plain mpirun, no Slurm): the reference parameters.
    func straightRun() throws -> [Double] {
        let result = try MPIRun.partita(
            ranks: 2,
            ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "run.name=straight"]
                + Self.settings.flatMap { ["--set", $0] })
        #expect(result.status == 0, "\(result.stderr)")
        return try DistributedTests.finalParameters(directory + "/straight").values
    }

    @Test func twoNodeJobTrainsOnTwoRanks() throws {
        let started = Date()
        let job = try submit()
        #expect(try eventually { try state(job.id) == nil }, "job \(job.id) still queued: \(output(job.output))")
        let seconds = Date().timeIntervalSince(started)
        let log = output(job.output)
        // The mpirun line names no hosts: Open MPI took the 2 nodes and 2 slots from the allocation.
        #expect(log.contains("mpirun -np 2 --bind-to none"), "\(log)")
        #expect(log.contains("--mca odls_base_sigkill_timeout 3"))
        #expect(!log.contains("--hostfile"))
        let run = directory + "/runs/slurm-\(job.id)"
        let info = try Self.runInfo(run)
        #expect(info["status"] as? String == "completed", "\(log)")
        #expect(info["world_size"] as? Int == 2)
        #expect(FileManager.default.fileExists(atPath: run + "/report.html"))
        let hashes = try DistributedTests.finalHashes(run, ranks: 2)
        #expect(hashes[0] == hashes[1], "the ranks' final parameters differ: \(hashes)")
        #expect(try DistributedTests.finalParameters(run).values == straightRun())
        print("slurm: 2-node job \(job.id) took \(String(format: "%.1f", seconds)) s from sbatch to leaving the queue")
    }

    @Test func scancelLeavesAnInterruptedRunWithACheckpoint() throws {
        let job = try submit(fault: "wait:rank=0:step=10")
        #expect(
            eventually { output(job.output).contains("waits for a signal at step 10") },
            "job \(job.id): \(output(job.output))")
        let cancelled = Date()
        #expect(try slurm("scancel", [job.id]).status == 0)
        #expect(try eventually(limit: 60) { try state(job.id) == nil })
        let seconds = Date().timeIntervalSince(cancelled)
        #expect(seconds < 15, "the job took \(seconds) s to leave after scancel")  // KillWait is 10 s
        let run = directory + "/runs/slurm-\(job.id)"
        let info = try Self.runInfo(run)
        #expect(info["status"] as? String == "interrupted", "\(output(job.output))")
        #expect(info["step"] as? Int == 11)
        #expect(info["signal"] as? String == "SIGTERM")
        #expect(try CheckpointFile.read(path: run + "/checkpoints/latest").step == 11)
        print("slurm: scancel to job gone \(String(format: "%.1f", seconds)) s")
    }

    /// What `--signal=TERM@T --requeue` does near the time limit, simulated with `scancel --signal=TERM` (the
    /// same delivery: SIGTERM to the job's steps, not the batch script): the ranks checkpoint, the script
    /// requeues the job, and the requeued job (same id) resumes to the parameters of the uninterrupted run,
    /// bit for bit. Slurm makes a requeued job wait about two minutes before it may start again; the test
    /// moves its start time to now. Disabled: on the local cluster the requeued job sometimes stays pending
    /// past 180 s although released with StartTime=now (2 of 4 clean CI runs on 2026-12-07).
    @Test(
        .disabled(
            "flaky on the local cluster: the requeued job can stay pending past 180 s (issue 19)"))
    func preemptedJobRequeuesAndResumesBitIdentically() throws {
        let job = try submit(["--requeue", "--signal=TERM@30", "--time=5"], fault: "wait:rank=0:step=10")
        #expect(
            eventually { output(job.output).contains("waits for a signal at step 10") },
            "job \(job.id): \(output(job.output))")
        let signalled = Date()
        #expect(try slurm("scancel", ["--signal=TERM", job.id]).status == 0)
        #expect(
            eventually { output(job.output).contains("requeueing") && (try? state(job.id)) == "PENDING" },
            "job \(job.id) was not requeued: \(output(job.output))")
        let requeued = Date().timeIntervalSince(signalled)
        let run = directory + "/runs/slurm-\(job.id)"
        #expect(try CheckpointFile.read(path: run + "/checkpoints/latest").step == 11)
        #expect(try slurm("scontrol", ["update", "JobId=\(job.id)", "StartTime=now"]).status == 0)
        // Gone from the queue after the requeued run (its output says it resumed), not before it started.
        #expect(
            try eventually {
                guard output(job.output).contains("resuming \(run)") else { return false }
                return try state(job.id) == nil
            },
            "job \(job.id): \(output(job.output))")
        let log = output(job.output)
        #expect(log.contains("resuming \(run) (restart 1)"), "\(log)")
        let info = try Self.runInfo(run)
        #expect(info["status"] as? String == "completed", "\(log)")
        #expect(info["resumed_from_step"] as? Int == 11)
        let resumed = try DistributedTests.finalParameters(run)
        #expect(resumed.step == 30)
        #expect(resumed.values == (try straightRun()), "the requeued job's parameters differ from a straight run")
        print("slurm: SIGTERM to requeued (checkpoint written) \(String(format: "%.1f", requeued)) s")
    }
}
