import Checkpoints
import Foundation
import TestSupport
import Testing
import Training

/// SIGTERM and SIGINT during training: every rank finishes the step it is in, the ranks agree on the step,
/// rank 0 writes a checkpoint, run.json says "interrupted" with the step and the signal, the job exits with
/// 128 + the signal within 10 s, and `--resume` reaches the parameters of a run that was never stopped, bit
/// for bit. The jobs are signalled once a rank says it is waiting at a known step (`PARTITA_FAULT=wait`),
/// never after a guessed delay.
@Suite(.serialized) struct SignalTests {
    static let settings = [
        "model.dtype=float64", "model.hidden=[32]", "train.epochs=100", "train.checkpoint_every=1000",
        "train.max_steps=40",
    ]

    static func arguments(_ directory: String, _ name: String) -> [String] {
        ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "run.name=\(name)"]
            + settings.flatMap { ["--set", $0] }
    }

    /// run.json as a dictionary.
    static func runInfo(_ run: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Each rank's `interrupted` log record: (step, parameter hash).
    static func interruptedRecords(_ run: String, ranks: Int) throws -> [(String, String)] {
        try (0..<ranks).map { rank in
            let text = try String(contentsOfFile: RunFiles.rankLog(run, rank: rank), encoding: .utf8)
            let line = try #require(text.split(separator: "\n").last { $0.contains("\"interrupted\"") })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let metadata = try #require(object["metadata"] as? [String: String])
            return (metadata["step"] ?? "", metadata["fnv1a"] ?? "")
        }
    }

    /// Resumes `run` to the end and trains the same config straight through; the final parameters must be equal.
    static func expectResumeEqualsStraightRun(_ run: String, _ directory: String) throws {
        let resumed = try MPIRun.partita(ranks: 2, ["train", "--plain", "--resume", run])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let straight = try MPIRun.partita(ranks: 2, arguments(directory, "straight"))
        #expect(straight.status == 0, "\(straight.stderr)")
        let a = try DistributedTests.finalParameters(run)
        let b = try DistributedTests.finalParameters(directory + "/straight")
        #expect(a.step == 40 && b.step == 40)
        #expect(a.values == b.values, "resumed parameters differ from the uninterrupted run")
    }

    @Test func sigtermToOneRankStopsEveryRankAtTheSameStep() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-signal")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let name = "term-\(UUID().uuidString.prefix(8))"
        let job = try BackgroundJob(
            "/usr/bin/mpirun",
            ["-np", "2", "--bind-to", "none", "--timeout", "240", BuiltProducts.partita]
                + Self.arguments(directory, name),
            environment: MPIRun.environment.merging(["PARTITA_FAULT": "wait:rank=1:step=10"]) { $1 },
            directory: directory)
        #expect(job.waitForLog("waits for a signal at step 10"), "\(job.log)")
        let victim = try #require(MPIRun.rankProcesses(marker: "run.name=\(name)")[1])
        kill(victim, SIGTERM)
        let (status, seconds) = job.waitForExit()
        #expect(status == 143, "\(job.log)")
        #expect(seconds < 10, "the job took \(seconds) s to end after SIGTERM")

        // Rank 1 was signalled while it waited in step 10 (index), rank 0 waited for it in the step's
        // all-reduce: both finish the step and stop after it.
        let run = directory + "/" + name
        let info = try Self.runInfo(run)
        #expect(info["status"] as? String == "interrupted")
        #expect(info["step"] as? Int == 11)
        #expect(info["signal"] as? String == "SIGTERM")
        #expect(try CheckpointFile.read(path: run + "/checkpoints/latest").step == 11)
        let records = try Self.interruptedRecords(run, ranks: 2)
        #expect(records.map(\.0) == ["11", "11"])
        #expect(records[0].1 == records[1].1, "the ranks stopped with different parameters")
        #expect(job.log.contains("partita: interrupted by SIGTERM after step 11"))
        print("signals: SIGTERM to rank 1 -> job ended in \(String(format: "%.2f", seconds)) s")
        try Self.expectResumeEqualsStraightRun(run, directory)
    }

    /// SIGINT to mpirun (what Ctrl-C does): Open MPI 4.1 sends SIGTERM to every rank and SIGKILL 1 s
    /// later (`odls_base_sigkill_timeout`), and exits with 1 itself. The ranks finish their step and
    /// checkpoint within that second (this model's step and checkpoint take milliseconds).
    @Test func sigintToMPIRunLeavesAnInterruptedRunThatResumes() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-signal")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let name = "int-\(UUID().uuidString.prefix(8))"
        let job = try BackgroundJob(
            "/usr/bin/mpirun",
            ["-np", "2", "--bind-to", "none", "--timeout", "240", BuiltProducts.partita]
                + Self.arguments(directory, name),
            environment: MPIRun.environment.merging(["PARTITA_FAULT": "wait:rank=0:step=10"]) { $1 },
            directory: directory)
        #expect(job.waitForLog("waits for a signal at step 10"), "\(job.log)")
        kill(job.pid, SIGINT)
        let (status, seconds) = job.waitForExit()
        #expect(status != 0)
        #expect(seconds < 10, "the job took \(seconds) s to end after SIGINT: \(job.log)")
        let run = directory + "/" + name
        let info = try Self.runInfo(run)
        #expect(info["status"] as? String == "interrupted", "\(job.log)")
        #expect(info["step"] as? Int == 11)
        #expect(try CheckpointFile.read(path: run + "/checkpoints/latest").step == 11)
        print("signals: SIGINT to mpirun -> job ended in \(String(format: "%.2f", seconds)) s, status \(status)")
        try Self.expectResumeEqualsStraightRun(run, directory)
    }

    /// One process: the first SIGINT asks for a stop, which a hung step never reaches; a second SIGINT (more
    /// than `InterruptSignals.repeatAfter` = 1 s later) ends the process at once with 130.
    @Test func secondSignalEndsAtOnce() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-signal")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let job = try BackgroundJob(
            BuiltProducts.partita, Self.arguments(directory, "twice"),
            environment: ["PARTITA_FAULT": "hang:rank=0:step=3"], directory: directory)
        #expect(job.waitForLog("hangs at step 3"), "\(job.log)")
        kill(job.pid, SIGINT)
        usleep(1_300_000)  // past the 1 s within which repeats count as the same signal
        #expect(job.isRunning, "the first SIGINT ended a hung step: \(job.log)")
        kill(job.pid, SIGINT)
        let (status, seconds) = job.waitForExit()
        #expect(status == 130, "\(job.log)")
        #expect(seconds < 2, "the second SIGINT took \(seconds) s")
        #expect(job.log.contains("SIGINT again: stopping now"))
        print("signals: second SIGINT -> process ended in \(String(format: "%.2f", seconds)) s")
    }
}
