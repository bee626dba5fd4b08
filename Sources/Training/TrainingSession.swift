import Checkpoints
public import Cluster
public import Configuration
import Datasets
import Foundation
public import Logging
import Methods
import Networks
import Tensors

/// One `partita train`: resolve what to run, create or reopen the run directory (coordinator only), check
/// that all ranks agree on the config and the data, train, and record how it ended in `run.json`.
public enum TrainingSession {
    /// What a session produced.
    public struct Outcome: Sendable {
        public let summary: TrainingSummary
        /// The run directory (on the coordinator; nil on other ranks).
        public let runDirectory: String?
    }

    /// The `train.*` keys a resumed run may change; everything else is fixed by the run's config.yaml.
    public static let resumableKeys: Set<String> = [
        "train.epochs", "train.max_steps", "train.log_every", "train.eval_every", "train.checkpoint_every",
        "train.keep_checkpoints", "train.hash_check_every", "train.bucket_mb", "train.collective_timeout",
        "train.tensorboard",
    ]

    /// Trains from `config`, or resumes the run in `resume` (whose config.yaml, with `resumeOverrides` on top,
    /// is used instead). When training fails after the coordinator has made the run directory, run.json is
    /// marked failed and `afterFailure` is called with the directory's path (to write a report of what ran)
    /// before the error is rethrown.
    public static func run(
        config: ResolvedConfig, resume: String? = nil, resumeOverrides: [String] = [], commandLine: [String],
        communicator: any Communicator, logger: Logger, observer: (any TrainingObserver)?,
        logs: LogRecordBuffer? = nil, faults: FaultInjection? = nil, stop: StopRequest? = nil,
        afterFailure: ((String) -> Void)? = nil
    ) throws -> Outcome {
        var config = config
        var checkpoint: CheckpointFile?
        var directory: RunDirectory?
        if let resume {
            let existing = try RunDirectory(existing: resume)
            config = try ConfigLoader.load(path: existing.configPath)
            for override in resumeOverrides {
                let key = String(override.prefix { $0 != "=" })
                guard resumableKeys.contains(key) else {
                    throw ConfigError(
                        location: "--set \(override)",
                        message: "\(key) cannot change when resuming (the run's config.yaml fixes it); "
                            + "resumable keys: \(resumableKeys.sorted().joined(separator: ", "))")
                }
            }
            try ConfigLoader.apply(overrides: resumeOverrides, to: &config)
            guard FileManager.default.fileExists(atPath: existing.latestCheckpointPath) else {
                throw TrainingError.resumeMismatch("\(existing.path) has no checkpoints/latest to resume from")
            }
            let file = try CheckpointFile.read(path: existing.latestCheckpointPath)
            checkpoint = file
            if communicator.isCoordinator { directory = existing }
        }

        let data = try DataPipeline.prepare(config)
        logger.info("data", metadata: ["summary": "\(data.shapeSummary)"])
        try requireAgreement(on: config.hash, what: "the resolved config", communicator: communicator)
        try requireAgreement(
            on: FNV1a.hash(Array(data.shapeSummary.utf8)), what: "the data shapes", communicator: communicator)
        let hosts = try gatherHostNames(communicator)

        // Everything that can reject the input (model, optimizer, loss, batch schedule, checkpoint) is
        // checked before the run directory is created, so bad input leaves nothing behind.
        let settings = try config.typed()
        let isDouble = settings.model.dtype == .float64
        let trainer: any TrainerProtocol =
            isDouble
            ? try makeTrainer(Double.self, config, data, checkpoint, communicator, logger, observer, logs, faults)
            : try makeTrainer(Float.self, config, data, checkpoint, communicator, logger, observer, logs, faults)
        trainer.stopRequest = stop

        let resumedRun = directory != nil
        if communicator.isCoordinator && directory == nil {
            directory = try RunDirectory.create(parent: settings.run.dir, name: settings.run.name)
        }
        let info = RunInfo(
            name: directory?.name ?? "", worldSize: communicator.size, hosts: hosts, seed: settings.run.seed,
            commandLine: commandLine, resumedFromStep: checkpoint?.step)
        if let directory {
            logger.info(resumedRun ? "resuming run" : "run directory", metadata: ["path": "\(directory.path)"])
        }
        let summary = try RunLifecycle.run(
            in: directory, info: info, configText: config.yaml, afterFailure: afterFailure,
            stopReason: { (summary: TrainingSummary) in summary.stopReason }
        ) {
            if let directory {
                let writer = try RunWriter(
                    directory: directory, keepCheckpoints: settings.train.keepCheckpoints,
                    resumeStep: checkpoint?.step)
                if settings.train.tensorboard {
                    try writer.startTensorBoard(config: config, startStep: checkpoint?.step ?? 0)
                }
                trainer.attach(writer)
            }
            return try trainer.train()
        }
        return Outcome(summary: summary, runDirectory: directory?.path)
    }

    static func makeTrainer<Scalar: TrainingScalar>(
        _ type: Scalar.Type, _ config: ResolvedConfig, _ data: PreparedData, _ checkpoint: CheckpointFile?,
        _ communicator: any Communicator, _ logger: Logger, _ observer: (any TrainingObserver)?,
        _ logs: LogRecordBuffer?, _ faults: FaultInjection?
    ) throws -> Trainer<Scalar> {
        let trainer = try Trainer<Scalar>(
            config: config, data: data, communicator: communicator, writer: nil, logger: logger, observer: observer,
            logs: logs, faults: faults)
        if let checkpoint {
            try trainer.restore(from: checkpoint)
            logger.info("resumed", metadata: ["step": "\(checkpoint.step)", "checkpoint": "\(checkpoint.path)"])
        }
        return trainer
    }

    static func requireAgreement(on fingerprint: UInt64, what: String, communicator: any Communicator) throws {
        let differing = try Agreement.ranksDiffering(from: fingerprint, communicator: communicator)
        if !differing.isEmpty { throw TrainingError.disagreement(what: what, ranks: differing) }
    }

    public static func gatherHostNames(_ communicator: any Communicator) throws -> [String] {
        let records = try communicator.gather(Array(communicator.hostName.utf8), root: 0)
        return records.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// The contents of `run.json`.
public struct RunInfo: Sendable {
    public var name: String
    public var worldSize: Int
    public var hosts: [String]
    public var seed: Int
    public var commandLine: [String]
    public var resumedFromStep: Int?
    var start = Date()
    var end: Date?
    public var status = "running"
    public var error: String?
    /// Why a completed run ended before its planned steps (early stopping).
    public var stopReason: String?
    /// The step after which training stopped on a signal, and the signal's name (status "interrupted").
    public var interruption: (step: Int, signal: String)?

    public init(
        name: String, worldSize: Int, hosts: [String], seed: Int, commandLine: [String], resumedFromStep: Int? = nil
    ) {
        self.name = name
        self.worldSize = worldSize
        self.hosts = hosts
        self.seed = seed
        self.commandLine = commandLine
        self.resumedFromStep = resumedFromStep
    }

    public mutating func finish(status: String, error: String? = nil) {
        end = Date()
        self.status = status
        self.error = error
    }

    public var json: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var line = JSONLine()
        line.add("name", name)
        line.add("world_size", worldSize)
        line.add("hosts", raw: "[" + hosts.map(JSONLine.quoted).joined(separator: ",") + "]")
        line.add("seed", seed)
        line.add("command", raw: "[" + commandLine.map(JSONLine.quoted).joined(separator: ",") + "]")
        line.add("resumed_from_step", resumedFromStep)
        line.add(
            "versions",
            raw: "{\"partita\":\(JSONLine.quoted(PartitaVersion.string)),\"os\":"
                + "\(JSONLine.quoted(ProcessInfo.processInfo.operatingSystemVersionString))}")
        line.add("start", formatter.string(from: start))
        line.add("end", end.map { formatter.string(from: $0) })
        line.add("status", status)
        line.add("error", error)
        line.add("stop_reason", stopReason)
        if let interruption {
            line.add("step", interruption.step)
            line.add("signal", interruption.signal)
        }
        return line.description + "\n"
    }
}
