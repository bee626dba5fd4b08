import Checkpoints
import Cluster
import Configuration
import Foundation
import Logging
import Networks
import TestSupport
import Testing
import Training

/// Code that communicates, run on `InProcessCluster` ranks: the collective self-test of `partita
/// check-collectives` and a whole training session with its log gathering.
@Suite struct InProcessCollectiveTests {
    /// `CollectiveCheck` passes every check on 2 and 3 ranks of one host, where the shared-memory sum must be
    /// bit-identical to the naive sum in rank order (4 of the 9 outcomes say so), and on 2 hosts of 2 ranks,
    /// where it is compared within tolerance instead.
    @Test(arguments: [(2, 2), (3, 3), (4, 2)])
    func collectiveCheckPasses(_ ranks: Int, _ ranksPerHost: Int) throws {
        let outcomes = try InProcessCluster.run(ranks: ranks, ranksPerHost: ranksPerHost) { communicator in
            try CollectiveCheck.run(communicator: communicator, count: 1003).map { ($0.passed, $0.detail) }
        }
        #expect(outcomes[0].count == 9)
        #expect(outcomes[0].allSatisfy { $0.0 }, "\(outcomes[0])")
        let exact = outcomes[0].filter { $0.1.contains("bit-identical to the naive sum") }.count
        #expect(exact == (ranksPerHost == ranks ? 4 : 0), "\(outcomes[0])")
    }
}

/// Records each rank's log events into its `LogRecordBuffer` (as `partita`'s console handler does) and into a
/// list the test keeps, the reference for what the coordinator must write into `ranks/rank-NNNN.jsonl`.
struct RecordingLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let rank: Int
    let buffer: LogRecordBuffer
    let logged: LoggedLines

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let record = LogRecord(
            time: Date().timeIntervalSince1970, rank: rank, level: event.level.rawValue,
            message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
        buffer.append(record)
        logged.append(record.jsonLine)
    }
}

final class LoggedLines: @unchecked Sendable {
    // @unchecked: `lines` is only touched under `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite(.serialized) struct InProcessTrainingTests {
    static func directory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partita-inprocess-\(UUID())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Trains the bundled digits for 10 steps (float64, batch 60) on `ranks` ranks; returns the final
    /// parameters and, per rank, the lines it logged.
    static func train(ranks: Int, directory: String) throws -> (parameters: [Double], logged: [[String]]) {
        let name = "ranks-\(ranks)"
        let logged = (0..<ranks).map { _ in LoggedLines() }
        _ = try InProcessCluster.run(ranks: ranks) { communicator in
            let (rank, buffer, lines) = (communicator.rank, LogRecordBuffer(), logged[communicator.rank])
            let logger = Logger(label: "test") { _ in RecordingLogHandler(rank: rank, buffer: buffer, logged: lines) }
            let config = try ConfigLoader.load(
                path: nil,
                overrides: [
                    "run.dir=\(directory)", "run.name=\(name)", "model.dtype=float64", "model.hidden=[32]",
                    "data.batch_size=60", "train.max_steps=10", "train.hash_check_every=5", "optimizer.momentum=0.9",
                ])
            _ = try TrainingSession.run(
                config: config, commandLine: [], communicator: communicator, logger: logger, observer: nil,
                logs: buffer)
        }
        let checkpoint = try CheckpointFile.read(path: "\(directory)/\(name)/checkpoints/latest")
        let layout = MLPArchitecture(sizes: [64, 32, 10], activation: .relu).layout
        return (try checkpoint.parameters(layout: layout, as: Double.self).values, logged.map(\.all))
    }

    /// 2 and 3 in-process ranks train to within 1e-10 (Double) of 1 rank with the whole batch, and the
    /// coordinator's `ranks/rank-NNNN.jsonl` holds exactly the records each rank logged, in order, up to the
    /// last gathering (which comes after the `final parameters` record).
    @Test func sessionOnSeveralRanksEqualsOneRankAndGathersEveryRanksLog() throws {
        let directory = Self.directory()
        let reference = try Self.train(ranks: 1, directory: directory)
        for ranks in [2, 3] {
            let result = try Self.train(ranks: ranks, directory: directory)
            let error = Tolerance.relativeError(result.parameters, reference.parameters)
            #expect(error < 1e-10, "\(ranks) ranks: relative error \(error)")
            for rank in 0..<ranks {
                let path = "\(directory)/ranks-\(ranks)/ranks/rank-\(String(format: "%04d", rank)).jsonl"
                let file = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
                let logged = result.logged[rank]
                #expect(!file.isEmpty && file == Array(logged.prefix(file.count)), "rank \(rank)'s log")
                #expect(file.contains { $0.contains("\"final parameters\"") }, "rank \(rank)'s log")
            }
        }
    }

    /// The Gaussianity probe (all-reduced moments, a subsample gathered at rank 0) on 2 and 3 in-process ranks
    /// records what 1 rank records: every field of `gaussianity.jsonl` within 1e-10 relative (the moments are
    /// summed in another order; the subsample is the same values). Double, teacher-student data.
    @Test func gaussianityProbeOnSeveralRanksEqualsOneRank() throws {
        let directory = Self.directory()
        func records(ranks: Int) throws -> [[String: Any]] {
            _ = try InProcessCluster.run(ranks: ranks) { communicator in
                let config = try ConfigLoader.load(
                    path: nil,
                    overrides: [
                        "run.dir=\(directory)", "run.name=probe-\(ranks)", "model.hidden=[6]", "model.dtype=float64",
                        "data.train_size=300", "data.name=teacher-student", "data.input_dim=4", "data.validation=0",
                        "train.max_steps=6", "data.batch_size=30", "diagnostics.gaussianity_every=3",
                        "diagnostics.probe_size=90", "diagnostics.subsample=200",
                    ])
                _ = try TrainingSession.run(
                    config: config, commandLine: [], communicator: communicator,
                    logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, observer: nil)
            }
            let text = try String(contentsOfFile: "\(directory)/probe-\(ranks)/gaussianity.jsonl", encoding: .utf8)
            return try text.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        let reference = try records(ranks: 1)
        #expect(reference.count == 6)
        for ranks in [2, 3] {
            let other = try records(ranks: ranks)
            #expect(other.count == reference.count)
            for (a, b) in zip(other, reference) {
                #expect(Set(a.keys) == Set(b.keys))
                for (key, value) in b {
                    guard let expected = (value as? NSNumber)?.doubleValue, key != "time", key != "seconds" else {
                        continue
                    }
                    let actual = (a[key] as? NSNumber)?.doubleValue ?? .nan
                    #expect(
                        Tolerance.relativeError(actual, expected, floor: 1e-12) < 1e-10,
                        "\(ranks) ranks, step \(b["step"] ?? ""), layer \(b["layer"] ?? ""), \(key)")
                }
            }
        }
    }
}
