public import Cluster
public import Networks
public import Optimizers
public import Tensors

/// What one training step does to a model: plain first-order training, Alrao, grouped Newton, ...
///
/// The trainer owns everything around the step (batching, schedules, logging, evaluation, checkpoints,
/// the cross-rank checks); a method owns the model, its update rule and the collectives the update needs.
/// Every method keeps all its trained parameters in one `ParameterBuffer`, so hashing, checkpointing and
/// exporting treat them alike.
public protocol TrainingMethod<Scalar>: AnyObject {
    associatedtype Scalar: TrainingScalar

    /// The name recorded in checkpoints (`optimizer` metadata), e.g. `sgd`, `alrao-sgd`.
    var name: String { get }
    /// Every trained parameter.
    var parameters: ParameterBuffer<Scalar> { get set }

    /// One step on this rank's share of the global batch. Returns this rank's summary of the model's
    /// loss on its share (before the update).
    func step(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, context: StepContext) throws -> LossSummary

    /// The loss summary of the model's predictions on a batch (for evaluation; no update).
    func evaluate(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> LossSummary

    /// The state beyond the parameters that resuming needs (optimizer moments, switch weights).
    var state: OptimizerState<Scalar> { get }
    func restore(_ state: OptimizerState<Scalar>) throws

    /// Extra records for `metrics.jsonl` at a logging step (e.g. Alrao's posterior); none by default.
    func logRecords(step: Int) -> [JSONLine]

    /// Seconds the last step spent waiting for collectives after its local computation.
    var lastCommunicationSeconds: Double { get }

    /// Called on every rank at the end of each epoch with the epoch's global mean training loss.
    func epochEnded(trainingLoss: Double)

    /// The predicted class probabilities `(batch, classes)` of a classifier, for calibration; nil when the
    /// method does not provide them.
    func predictiveProbabilities(inputs: Matrix<Scalar>) -> Matrix<Double>?

    /// `evaluate(inputs:targets:)` and, when `withProbabilities` is set, `predictiveProbabilities(inputs:)`:
    /// methods that provide probabilities override it to forward the batch once for both.
    func evaluate(
        inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, withProbabilities: Bool
    ) -> (summary: LossSummary, probabilities: Matrix<Double>?)
}

/// A method whose trained parameters are exactly one plain network's (plain training, grouped Newton,
/// Gauss-Newton; not Alrao or VI): that network is what a run exports.
public protocol PlainModelMethod<Scalar>: TrainingMethod {
    associatedtype Scalar
    var model: MLP<Scalar> { get }
}

extension TrainingMethod {
    public func logRecords(step: Int) -> [JSONLine] { [] }
    public var lastCommunicationSeconds: Double { 0 }
    public func epochEnded(trainingLoss: Double) {}
    public func predictiveProbabilities(inputs: Matrix<Scalar>) -> Matrix<Double>? { nil }

    public func evaluate(
        inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, withProbabilities: Bool
    ) -> (summary: LossSummary, probabilities: Matrix<Double>?) {
        (evaluate(inputs: inputs, targets: targets), withProbabilities ? predictiveProbabilities(inputs: inputs) : nil)
    }
}

/// What a method needs to know about the step it is taking.
public struct StepContext {
    public let communicator: any Communicator
    /// The step's index (steps completed before it).
    public let step: Int
    /// The scheduled learning rate of this step.
    public let learningRate: Double
    /// Samples in the step over all ranks: losses are scaled by its inverse.
    public let globalBatch: Int
    /// Called with this rank's loss before the step's first collective: throws (naming the rank and the
    /// step) when the loss is not finite, so the failing rank ends the job instead of poisoning the others.
    public let checkLocalLoss: (LossSummary) throws -> Void

    public init(
        communicator: any Communicator, step: Int, learningRate: Double, globalBatch: Int,
        checkLocalLoss: @escaping (LossSummary) throws -> Void
    ) {
        self.communicator = communicator
        self.step = step
        self.learningRate = learningRate
        self.globalBatch = globalBatch
        self.checkLocalLoss = checkLocalLoss
    }
}
