public import Checkpoints
public import Cluster
public import Configuration
public import Datasets
import Foundation
public import Logging
public import Methods
public import Networks
import Optimizers
import Tensors

#if canImport(Glibc)
    import Glibc
#endif

/// The data-parallel training loop, written against `Communicator`: the same code runs alone, under
/// `mpirun` on one host, or across hosts.
///
/// Each step every rank takes its strided share of the global batch (see `EpochSchedule`) and hands it
/// to the training method, which computes the gradient of `(1/N)·Σ_{its samples} ℓ` with N the global
/// batch; the all-reduced sum of those is the gradient of the global mean loss: N ranks with batch b compute
/// the step of one rank with batch N·b. Every rank then applies the same update to the same parameters, so
/// they stay bit-identical (checked by a hash every `train.hash_check_every` steps).
public final class Trainer<Scalar: TrainingScalar>: TrainerProtocol {
    public let config: ResolvedConfig
    /// `config`, typed.
    public let settings: Settings
    public let data: PreparedData
    public let method: any TrainingMethod<Scalar>
    public let schedule: EpochSchedule
    public let learningRates: LearningRateSchedule
    /// Steps completed so far (the next step's index).
    public private(set) var step = 0
    public let totalSteps: Int
    public let isClassification: Bool

    let communicator: any Communicator
    private(set) var writer: RunWriter?
    let logger: Logger
    let observer: (any TrainingObserver)?
    /// This rank's log records, gathered at the coordinator at every logging step.
    let logs: LogRecordBuffer?
    let faults: FaultInjection?
    /// The Gaussianity diagnostics (`diagnostics.gaussianity_every` > 0).
    let gaussianity: GaussianityProbe?
    /// The best checkpoint and early stopping (`train.keep_best`, `train.early_stopping`).
    var monitor: RunMonitor
    /// Asks this rank to stop after the current step (signals); the ranks agree on it every step.
    public var stopRequest: StopRequest?

    /// - Parameters:
    ///   - writer: the run directory writer; only the coordinator has one.
    ///   - observer: progress callbacks; only the coordinator has one.
    public init(
        config: ResolvedConfig, data: PreparedData, communicator: any Communicator, writer: RunWriter?,
        logger: Logger, observer: (any TrainingObserver)? = nil, logs: LogRecordBuffer? = nil,
        faults: FaultInjection? = nil
    ) throws {
        self.config = config
        self.logs = logs
        self.faults = faults
        self.data = data
        self.communicator = communicator
        self.writer = writer
        self.logger = logger
        self.observer = observer
        let settings = try config.typed()
        self.settings = settings
        method = try MethodFactory.method(config, data: data, as: Scalar.self)
        isClassification = try ModelFactory.loss(settings, task: data.task).isClassification
        do {
            schedule = try EpochSchedule(
                sampleCount: data.trainRows.count, globalBatch: settings.data.batchSize,
                worldSize: communicator.size, seed: UInt64(settings.run.seed))
        } catch {
            throw ConfigError(location: "data.batch_size", message: "\(error)")
        }
        let planned = settings.train.epochs * schedule.stepsPerEpoch
        learningRates = LearningRateSchedule(settings.optimizer, totalSteps: planned)
        let maxSteps = settings.train.maxSteps
        totalSteps = maxSteps > 0 ? min(maxSteps, planned) : planned
        monitor = try RunMonitor(
            settings.train, isClassification: isClassification, hasValidation: !data.validationRows.isEmpty)
        communicator.setCollectiveTimeout(settings.train.collectiveTimeout)
        gaussianity =
            settings.diagnostics.gaussianityEvery > 0
            ? GaussianityProbe(
                settings: settings, data: data, architecture: try ModelFactory.architecture(settings, data: data),
                rank: communicator.rank,
                size: communicator.size) : nil
        // Rank 0's initial parameters are the ones everybody uses (they are equal anyway: same seed).
        try communicator.broadcast(&method.parameters.values, root: 0)
    }

    /// From now on metrics and checkpoints go to `writer` (the coordinator's run directory).
    public func attach(_ writer: RunWriter) {
        self.writer = writer
    }

    /// Continues from a checkpoint: parameters, method state and step.
    public func restore(from checkpoint: CheckpointFile) throws {
        guard checkpoint.dtype == Scalar.dtypeName else {
            throw TrainingError.resumeMismatch(
                "the checkpoint holds \(checkpoint.dtype), the model is \(Scalar.dtypeName)")
        }
        method.parameters = try checkpoint.parameters(layout: method.parameters.layout)
        let (name, state) = try checkpoint.optimizerState(layout: method.parameters.layout, as: Scalar.self)
        guard name == method.name else {
            throw TrainingError.resumeMismatch("the checkpoint's method is \(name), the config's \(method.name)")
        }
        try method.restore(state)
        step = checkpoint.step
    }

    /// Starts from given parameters instead of the initialization (fine-tuning a pruned model); zeros in them
    /// stay zero when the config prunes. Only before the first step.
    public func start(from parameters: ParameterBuffer<Scalar>) throws {
        precondition(step == 0, "Trainer.start(from:) after \(step) steps")
        guard parameters.layout == method.parameters.layout else {
            throw TrainingError.resumeMismatch("the parameters do not have the layout of the configured model")
        }
        var parameters = parameters
        try communicator.broadcast(&parameters.values, root: 0)
        method.parameters = parameters
        (method as? StandardMethod<Scalar>)?.keepZeros(of: parameters)
    }

    /// The trained network, for methods that train a plain MLP (all but Alrao).
    public var model: MLP<Scalar>? { (method as? any PlainModelMethod<Scalar>)?.model }

    /// Runs the remaining steps, evaluating and checkpointing as configured.
    public func train() throws -> TrainingSummary {
        let started = Date()
        let startStep = step
        let logEvery = settings.train.logEvery
        let evalEvery = settings.train.evalEvery
        let checkpointEvery = settings.train.checkpointEvery
        let hashEvery = settings.train.hashCheckEvery
        let stepsPerEpoch = schedule.stepsPerEpoch
        let layout = method.parameters.layout
        observer?.trainingWillStart(
            TrainingPlan(
                startStep: step, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch,
                globalBatch: schedule.globalBatch,
                worldSize: communicator.size, parameterCount: layout.count, logEvery: logEvery))
        logger.info(
            "training",
            metadata: [
                "method": "\(method.name)", "steps": "\(startStep)..<\(totalSteps)",
                "steps_per_epoch": "\(stepsPerEpoch)", "global_batch": "\(schedule.globalBatch)",
                "parameters": "\(layout.count)",
            ])

        var permutationEpoch = -1
        var permutation = [Int]()
        var window = LossSummary()
        var windowTime = 0.0
        var windowSteps = 0
        var communicationSeconds = 0.0
        var lastTrainingLoss = Double.nan
        var lastCheckpoint: String?
        var lastValidation: EvaluationResult?
        var epochLoss = LossSummary()
        var stopReason: String?
        if step == 0 { try measureGaussianity() }

        while step < totalSteps {
            let stepStart = DispatchTime.now().uptimeNanoseconds
            let epoch = step / stepsPerEpoch
            if epoch != permutationEpoch {
                permutation = schedule.permutation(epoch: epoch)
                permutationEpoch = epoch
            }
            let positions = schedule.localPositions(
                permutation: permutation, step: step % stepsPerEpoch, rank: communicator.rank)
            let rows = positions.map { data.trainRows[$0] }
            let (inputs, targets) = data.batch(data.source, rows: rows, as: Scalar.self)

            communicator.beginStep(step)
            let learningRate = learningRates.rate(at: step)
            let context = StepContext(
                communicator: communicator, step: step, learningRate: learningRate,
                globalBatch: schedule.globalBatch, checkLocalLoss: { [self] in try checkLocalLoss($0) })
            let local = try method.step(inputs: inputs, targets: targets, context: context)
            communicationSeconds += method.lastCommunicationSeconds
            var totals = [local.lossSum, Double(local.correct), Double(local.count)]
            totals += stopRequest?.votes ?? StopRequest.noVotes
            try communicator.allReduce(&totals, .sum)
            let global = LossSummary(lossSum: totals[0], correct: Int(totals[1]), count: Int(totals[2]))
            step += 1

            let seconds = Double(DispatchTime.now().uptimeNanoseconds - stepStart) / 1e9
            window = window + global
            epochLoss = epochLoss + global
            windowTime += seconds
            windowSteps += 1
            lastTrainingLoss = global.meanLoss
            observer?.stepDidFinish(
                StepProgress(
                    step: step, totalSteps: totalSteps, epoch: epoch, loss: global.meanLoss, learningRate: learningRate,
                    stepTime: seconds))

            if step % logEvery == 0 || step == totalSteps {
                var line = JSONLine()
                line.add("step", step)
                line.add("epoch", epoch)
                line.add("split", "train")
                line.add("loss", window.meanLoss)
                if isClassification { line.add("accuracy", window.accuracy) }
                line.add("lr", learningRate)
                line.add("step_time_ms", 1000 * windowTime / Double(max(windowSteps, 1)))
                line.add("samples_per_second", Double(window.count) / max(windowTime, 1e-12))
                line.add("time", Date().timeIntervalSince1970)
                try writer?.record(line)
                for record in method.logRecords(step: step) { try writer?.record(record) }
                // Every rank's own timing goes to its log: stragglers and slow links show up per rank.
                logger.info(
                    "steps",
                    metadata: [
                        "step": "\(step)", "step_time_ms": "\(1000 * windowTime / Double(max(windowSteps, 1)))",
                        "allreduce_wait_ms": "\(1000 * communicationSeconds / Double(max(windowSteps, 1)))",
                    ])
                window = LossSummary()
                windowTime = 0
                windowSteps = 0
                communicationSeconds = 0
                try gatherLogs()
            }
            if let gaussianity, step % gaussianity.every == 0 { try measureGaussianity() }
            let epochEnded = step % stepsPerEpoch == 0
            if epochEnded {
                method.epochEnded(trainingLoss: epochLoss.meanLoss)
                epochLoss = LossSummary()
            }
            if (evalEvery > 0 && step % evalEvery == 0) || (evalEvery == 0 && epochEnded) || step == totalSteps {
                if !data.validationRows.isEmpty {
                    lastValidation = try evaluate(data.source, rows: data.validationRows, split: "validation")
                    stopReason = try lastValidation.flatMap(monitorEvaluation)
                }
                try writer?.recordParameters(method.parameters, step: step)
            }
            if hashEvery > 0 && step % hashEvery == 0 { try checkParametersAgree() }
            if (checkpointEvery > 0 && step % checkpointEvery == 0) || step == totalSteps || stopReason != nil {
                if let writer {
                    let path = try writer.saveCheckpoint(
                        step: step, parameters: method.parameters, methodName: method.name, state: method.state,
                        config: config)
                    lastCheckpoint = path
                    observer?.checkpointDidSave(path: path, step: step)
                }
            }
            if stopReason != nil { break }
            if step < totalSteps, let signal = StopRequest.agreed(totals[3...]) { try stopEarly(signal: signal) }
        }
        if hashEvery > 0 { try checkParametersAgree() }
        logger.info(
            "final parameters",
            metadata: [
                "step": "\(step)", "fnv1a": "\(String(FNV1a.hash(values: method.parameters.values), radix: 16))",
                "peak_rss_mb": "\(ProcessMemory.peakResidentBytes.map { $0 / 1_048_576 } ?? -1)",
                "pss_mb": "\(ProcessMemory.proportionalBytes.map { $0 / 1_048_576 } ?? -1)",
                "host": "\(communicator.hostName)",
            ])
        var testResult: EvaluationResult?
        if let test = data.test { testResult = try evaluate(test, rows: Array(0..<test.count), split: "test") }
        let seconds = Date().timeIntervalSince(started)
        let summary = TrainingSummary(
            steps: step, finalTrainingLoss: lastTrainingLoss, validation: lastValidation, test: testResult,
            seconds: seconds,
            samplesPerSecond: Double((step - startStep) * schedule.globalBatch) / max(seconds, 1e-12),
            lastCheckpoint: lastCheckpoint, stopReason: stopReason)
        observer?.trainingDidFinish(summary)
        try gatherLogs()
        return summary
    }

    /// The local-loss check every method calls before its first collective: applies an injected fault if
    /// one is set for this rank and step (testing only, see `FaultInjection`), then throws if the loss is
    /// not finite.
    func checkLocalLoss(_ local: LossSummary) throws {
        var lossSum = local.lossSum
        if let faults, faults.applies(rank: communicator.rank, step: step) {
            switch faults.kind {
            case .nan: lossSum = .nan
            case .exit: throw FaultInjection.InjectedExit(rank: communicator.rank, step: step)
            case .wait:
                logger.warning("fault injection: rank \(communicator.rank) waits for a signal at step \(step)")
                while stopRequest?.signal == nil { usleep(10_000) }
            case .hang:
                logger.warning("fault injection: rank \(communicator.rank) hangs at step \(step)")
                while true { sleep(60) }
            }
        }
        guard lossSum.isFinite else {
            throw TrainingError.nonFiniteLoss(rank: communicator.rank, step: step, value: lossSum)
        }
    }

    /// The global loss and accuracy on `rows` of `dataset`: each rank takes a strided share, the sums are
    /// all-reduced. Records the result in the metrics on the coordinator.
    @discardableResult
    public func evaluate(_ dataset: Dataset, rows: [Int], split: String) throws -> EvaluationResult {
        let summary = try Evaluation.evaluate(
            method: method, data: data, dataset: dataset, rows: rows, communicator: communicator)
        let result = EvaluationResult(
            step: step, split: split, loss: summary.meanLoss, accuracy: isClassification ? summary.accuracy : nil,
            count: summary.count)
        var line = JSONLine()
        line.add("step", step)
        line.add("split", split)
        line.add("loss", result.loss)
        if let accuracy = result.accuracy { line.add("accuracy", accuracy) }
        line.add("count", result.count)
        line.add("time", Date().timeIntervalSince1970)
        try writer?.record(line)
        observer?.evaluationDidFinish(result)
        return result
    }

    /// Compares a hash of the parameter bytes across ranks; throws naming the ranks that differ from rank 0.
    public func checkParametersAgree() throws {
        let differing = try Agreement.ranksDiffering(
            from: FNV1a.hash(values: method.parameters.values), communicator: communicator)
        if !differing.isEmpty { throw TrainingError.parameterMismatch(ranks: differing, step: step) }
    }

    /// Sends this rank's pending log records to the coordinator, which appends them to the rank files.
    /// A collective: every rank calls it at the same steps.
    public func gatherLogs() throws {
        guard let logs else { return }
        let payloads = try communicator.gather(logs.drainPayload(), root: 0)
        if communicator.isCoordinator { try writer?.appendRankLogs(payloads) }
    }
}

/// A trainer of any scalar type, for code that picks the type at run time.
public protocol TrainerProtocol: AnyObject {
    var stopRequest: StopRequest? { get set }
    func attach(_ writer: RunWriter)
    func train() throws -> TrainingSummary
}
