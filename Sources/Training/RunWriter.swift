import Checkpoints
public import Cluster
public import Configuration
import Foundation
public import Methods
public import Networks
public import Optimizers
import Tensors

/// Rank 0's writer for a run directory: metrics lines, checkpoints with a `latest` link and retention.
public final class RunWriter {
    public let directory: RunDirectory
    let metrics: LineWriter
    let keepCheckpoints: Int

    /// Opens `directory` for writing. With `resumeStep`, metrics records after that step (written by the
    /// interrupted run after its last checkpoint) are dropped first, so the file reads as one run.
    public init(directory: RunDirectory, keepCheckpoints: Int, resumeStep: Int? = nil) throws {
        self.directory = directory
        self.keepCheckpoints = keepCheckpoints
        // Truncated before opened: the truncation replaces the file, an open writer would keep the old one.
        if let resumeStep { try Self.truncateMetrics(path: directory.metricsPath, after: resumeStep) }
        metrics = try LineWriter(path: directory.metricsPath)
        if let resumeStep { try Self.truncateMetrics(path: gaussianityPath, after: resumeStep) }
    }

    /// `gaussianity.jsonl`, opened by the first `recordGaussianity`.
    var gaussianityWriter: LineWriter?
    /// The TensorBoard event file every record is mirrored into (`startTensorBoard`), if on.
    var tensorBoard: TensorBoardMirror?
    private var collector: RankLogCollector?
    private var rankWriters: [Int: LineWriter] = [:]

    /// Appends the gathered log payloads of every rank (see `RankLogCollector`) to `ranks/rank-NNNN.jsonl`.
    public func appendRankLogs(_ payloads: [[UInt8]]) throws {
        var collector = self.collector ?? RankLogCollector(worldSize: payloads.count)
        for action in collector.received(payloads) {
            switch action {
            case .append(let rank, let lines):
                if rankWriters[rank] == nil { rankWriters[rank] = try LineWriter(path: directory.rankLogPath(rank)) }
                for line in lines { try rankWriters[rank]!.append(line) }
                try tensorBoard?.mirror(rank: rank, logLines: lines)
            case .malformed(let rank, let byteCount):
                let note = LogRecord(
                    time: Date().timeIntervalSince1970, rank: 0, level: "warning",
                    message: "rank \(rank) sent \(byteCount) bytes of log records that are not UTF-8; dropped")
                if rankWriters[0] == nil { rankWriters[0] = try LineWriter(path: directory.rankLogPath(0)) }
                try rankWriters[0]!.append(note.jsonLine)
            }
        }
        self.collector = collector
    }

    public func record(_ line: JSONLine) throws {
        try metrics.append(line.description)
        try tensorBoard?.mirror(metrics: line)
    }

    /// Writes a checkpoint atomically, points `latest` at it, and deletes the oldest beyond the retention.
    @discardableResult
    public func saveCheckpoint<Scalar: TrainingScalar>(
        step: Int, parameters: ParameterBuffer<Scalar>, methodName: String, state: OptimizerState<Scalar>,
        config: ResolvedConfig
    ) throws -> String {
        let path = directory.checkpointPath(step: step)
        let file = CheckpointFile.make(
            step: step, parameters: parameters, optimizerName: methodName, optimizerState: state, config: config)
        try file.write(to: path)
        try AtomicFile.updateSymlink(
            named: "latest", in: directory.checkpointsPath, pointingTo: RunDirectory.checkpointFileName(step: step))
        let existing = ((try? FileManager.default.contentsOfDirectory(atPath: directory.checkpointsPath)) ?? [])
            .filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted()
        for old in existing.dropLast(keepCheckpoints) {
            try? FileManager.default.removeItem(
                atPath: (directory.checkpointsPath as NSString).appendingPathComponent(old))
        }
        return path
    }

    static func truncateMetrics(path: String, after step: Int) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let kept = text.split(separator: "\n").filter { line in
            guard let data = line.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let recordStep = object["step"] as? Int
            else { return true }
            return recordStep <= step
        }
        try AtomicFile.write(string: kept.map { $0 + "\n" }.joined(), to: path)
    }
}
