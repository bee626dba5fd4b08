import Cluster
import Foundation
public import Networks
public import Optimizers
public import Tensors

/// Plain data-parallel training of a dense network (`model.hidden`).
public typealias StandardMethod<Scalar: TrainingScalar> = FirstOrderMethod<Scalar, MLP<Scalar>>

/// Plain data-parallel training of a layer stack (`model.layers`: convolutions, pools, dense layers), whose
/// tensors are `layers.N.weight` and `layers.N.bias`.
public typealias SequentialMethod<Scalar: TrainingScalar> = FirstOrderMethod<Scalar, Sequential<Scalar>>

/// Plain data-parallel training of any network: forward, loss, backward with the gradient summed over ranks
/// (through host-shared memory or the bucketed all-reduce, see `GradientBuckets.backwardAndSum`; a layer
/// without parameters completes no bucket), then one optimizer step (SGD or Adam, possibly wrapped in the
/// gradual pruning masks) on the flat buffer.
public final class FirstOrderMethod<Scalar: TrainingScalar, Network: TrainableNetwork<Scalar>>: TrainingMethod {
    public private(set) var model: Network
    public private(set) var optimizer: any Optimizer<Scalar>
    public let loss: Loss
    public let buckets: GradientBuckets
    private var gradient: ParameterBuffer<Scalar>
    private var pass = Network.Pass()
    private var dOutput: Matrix<Scalar>?

    public init(
        model: Network, optimizer: any Optimizer<Scalar>, loss: Loss, bucketBytes: Int, sharedMemory: Bool = false
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

    /// With gradual pruning, the zeros of `parameters` stay zero from now on (fine-tuning a pruned model).
    public func keepZeros(of parameters: ParameterBuffer<Scalar>) {
        guard var pruning = optimizer as? PruningOptimizer<Scalar> else { return }
        pruning.keepZeros(of: parameters)
        optimizer = pruning
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
        var fresh = Network.Pass()
        model.forward(inputs, into: &fresh)
        return Self.softmax(fresh.output)
    }

    /// The loss and, for classifiers, the softmax of the same forward pass's outputs.
    public func evaluate(
        inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, withProbabilities: Bool
    ) -> (summary: LossSummary, probabilities: Matrix<Double>?) {
        let summary = evaluate(inputs: inputs, targets: targets)
        return (summary, withProbabilities && loss.isClassification ? Self.softmax(pass.output) : nil)
    }

    static func softmax(_ output: Matrix<Scalar>) -> Matrix<Double> {
        var probabilities = Matrix<Double>(rows: output.rows, columns: output.columns)
        for n in 0..<output.rows {
            for (o, p) in Loss.softmax(output, row: n).enumerated() { probabilities[n, o] = p }
        }
        return probabilities
    }

    public var state: OptimizerState<Scalar> { optimizer.state }

    public func restore(_ state: OptimizerState<Scalar>) throws {
        try optimizer.restore(state)
    }
}

/// A dense network's method exposes its `MLP`: what a run exports.
extension FirstOrderMethod: PlainModelMethod where Network == MLP<Scalar> {}
