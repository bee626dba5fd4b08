import Cluster
public import Networks
public import Optimizers
public import Tensors

/// `StandardMethod` for a network of `model.layers` (a `Sequential`: convolutions, pools, dense layers):
/// forward, loss, backward with the gradient summed over ranks through the same
/// `GradientBuckets.backwardAndSum` (host-shared memory or the bucketed all-reduce; a layer without
/// parameters completes no bucket), then one optimizer step (SGD or Adam, possibly wrapped in the gradual
/// pruning masks) on the flat buffer, whose tensors are `layers.N.weight` and `layers.N.bias`.
public final class SequentialMethod<Scalar: TrainingScalar>: TrainingMethod {
    public private(set) var model: Sequential<Scalar>
    public private(set) var optimizer: any Optimizer<Scalar>
    public let loss: Loss
    public let buckets: GradientBuckets
    private var gradient: ParameterBuffer<Scalar>
    private var pass = LayerStackPass<Scalar>()
    private var dOutput: Matrix<Scalar>?

    public init(
        model: Sequential<Scalar>, optimizer: any Optimizer<Scalar>, loss: Loss, bucketBytes: Int,
        sharedMemory: Bool = false
    ) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        buckets = GradientBuckets(
            layout: model.layout, scalarBytes: MemoryLayout<Scalar>.size, bucketBytes: bucketBytes,
            sharedMemory: sharedMemory)
        gradient = ParameterBuffer(layout: model.layout)
    }

    public var name: String { optimizer.name }

    public var parameters: ParameterBuffer<Scalar> {
        get { model.parameters }
        set { model.parameters = newValue }
    }

    public func step(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, context: StepContext) throws -> LossSummary {
        let summed = try buckets.lossAndSummedGradient(
            model, inputs: inputs, targets: targets, loss: loss, context: context, pass: &pass, dOutput: &dOutput,
            gradient: &gradient)
        lastCommunicationSeconds = summed.waited
        optimizer.learningRate = context.learningRate
        summed.gradient.withValues(in: gradient) { optimizer.step(parameters: &model.parameters, gradient: $0) }
        return summed.local
    }

    /// Seconds the last step waited for its all-reduce.
    public private(set) var lastCommunicationSeconds = 0.0

    public func evaluate(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> LossSummary {
        model.forward(inputs, into: &pass)
        return loss.evaluate(outputs: pass.output, targets: targets)
    }

    /// Softmax of the outputs, for classifiers.
    public func predictiveProbabilities(inputs: Matrix<Scalar>) -> Matrix<Double>? {
        guard loss.isClassification else { return nil }
        return StandardMethod<Scalar>.softmax(model.forward(inputs).output)
    }

    /// The loss and, for classifiers, the softmax of the same forward pass's outputs.
    public func evaluate(
        inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, withProbabilities: Bool
    ) -> (summary: LossSummary, probabilities: Matrix<Double>?) {
        let summary = evaluate(inputs: inputs, targets: targets)
        return (
            summary, withProbabilities && loss.isClassification ? StandardMethod<Scalar>.softmax(pass.output) : nil
        )
    }

    public var state: OptimizerState<Scalar> { optimizer.state }

    public func restore(_ state: OptimizerState<Scalar>) throws {
        try optimizer.restore(state)
    }
}
