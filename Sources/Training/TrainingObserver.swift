/// The plan of a training run, announced before the first step.
public struct TrainingPlan: Sendable {
    public let startStep: Int
    public let totalSteps: Int
    public let stepsPerEpoch: Int
    public let globalBatch: Int
    public let worldSize: Int
    public let parameterCount: Int
    /// `train.log_every` of the run (a resumed run's own, with its overrides).
    public let logEvery: Int
}

/// One finished step, as seen by the coordinator.
public struct StepProgress: Sendable {
    public let step: Int
    public let totalSteps: Int
    public let epoch: Int
    /// The global mean training loss of this step.
    public let loss: Double
    public let learningRate: Double
    /// Seconds this step took.
    public let stepTime: Double
}

/// A finished evaluation on one split.
public struct EvaluationResult: Sendable {
    public let step: Int
    public let split: String
    public let loss: Double
    /// Nil for regression.
    public let accuracy: Double?
    public let count: Int
    /// The expected calibration error, when it was measured (`partita eval`).
    public var calibrationError: Double? = nil
    /// The mean confidence (largest predicted probability), measured with the calibration error: above the
    /// accuracy the model is overconfident, below it underconfident.
    public var meanConfidence: Double? = nil
}

/// What a finished run reports.
public struct TrainingSummary: Sendable {
    public let steps: Int
    public let finalTrainingLoss: Double
    public let validation: EvaluationResult?
    public let test: EvaluationResult?
    public let seconds: Double
    public let samplesPerSecond: Double
    public let lastCheckpoint: String?
    /// Why the run ended before its planned steps (early stopping), nil when it ran them all.
    public var stopReason: String? = nil
}

/// Receives a run's progress, to draw a progress bar or print lines. Only the coordinator (rank 0) has one;
/// the library never prints.
public protocol TrainingObserver: AnyObject {
    func trainingWillStart(_ plan: TrainingPlan)
    func stepDidFinish(_ progress: StepProgress)
    func evaluationDidFinish(_ result: EvaluationResult)
    func checkpointDidSave(path: String, step: Int)
    func trainingDidFinish(_ summary: TrainingSummary)
}

/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible {
    case nonFiniteLoss(rank: Int, step: Int, value: Double)
    case parameterMismatch(ranks: [Int], step: Int)
    case disagreement(what: String, ranks: [Int])
    case resumeMismatch(String)

    /// Whether every rank raises this error at the same time (it comes from a collective check), so one
    /// report from rank 0 is enough and no rank needs to abort the others.
    public var isDetectedByEveryRank: Bool {
        switch self {
        case .parameterMismatch, .disagreement: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .nonFiniteLoss(let rank, let step, let value):
            "rank \(rank): the training loss became \(value) at step \(step); lower optimizer.lr or check the data"
        case .parameterMismatch(let ranks, let step):
            "parameters diverged across ranks at step \(step): rank(s) \(ranks.map(String.init).joined(separator: ", ")) "
                + "differ from rank 0 (are all hosts running the same binary and BLAS?)"
        case .disagreement(let what, let ranks):
            "rank(s) \(ranks.map(String.init).joined(separator: ", ")) disagree with rank 0 about \(what)"
        case .resumeMismatch(let detail): "cannot resume: \(detail)"
        }
    }
}
