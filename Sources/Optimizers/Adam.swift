public import Networks
import RealModule
public import Tensors

/// Adam (Kingma & Ba 2015) as in PyTorch's `torch.optim.Adam`, with optional L2 weight decay added to the
/// gradient:
///
///     g ← g + λ·θ
///     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
public struct Adam<Scalar: BLASScalar>: Optimizer {
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let weightDecay: Double

    private var firstMoment: [Scalar] = []
    private var secondMoment: [Scalar] = []
    private var steps: Int64 = 0

    public var name: String { "adam" }

    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 0
    ) throws(OptimizerError) {
        try OptimizerError.require(learningRate > 0 && learningRate.isFinite, "lr", learningRate, "a positive number")
        try OptimizerError.require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "in [0, 1)")
        try OptimizerError.require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "in [0, 1)")
        try OptimizerError.require(epsilon > 0, "epsilon", epsilon, "positive")
        try OptimizerError.require(weightDecay >= 0 && weightDecay.isFinite, "weight_decay", weightDecay, ">= 0")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func step(parameters: inout ParameterBuffer<Scalar>, gradient g: UnsafeBufferPointer<Scalar>) {
        precondition(
            parameters.values.count == g.count, "Adam.step: \(parameters.values.count) parameters, \(g.count) gradients"
        )
        let count = parameters.values.count
        if firstMoment.count != count {
            firstMoment = [Scalar](repeating: 0, count: count)
            secondMoment = [Scalar](repeating: 0, count: count)
        }
        steps += 1
        let t = Double(steps)
        // Bias corrections in Double, folded into one step size and one ε, as PyTorch does.
        let correction1 = 1 - Double.pow(beta1, t)
        let correction2 = 1 - Double.pow(beta2, t)
        let stepSize = Scalar(learningRate / correction1)
        let sqrtCorrection2 = Scalar(correction2.squareRoot())
        let (b1, b2, eps, decay) = (Scalar(beta1), Scalar(beta2), Scalar(epsilon), Scalar(weightDecay))
        parameters.values.withUnsafeMutableBufferPointer { theta in
            firstMoment.withUnsafeMutableBufferPointer { m in
                secondMoment.withUnsafeMutableBufferPointer { v in
                    for i in 0..<count {
                        let gi = g[i] + decay * theta[i]
                        m[i] = b1 * m[i] + (1 - b1) * gi
                        v[i] = b2 * v[i] + (1 - b2) * gi * gi
                        theta[i] -= stepSize * m[i] / (v[i].squareRoot() / sqrtCorrection2 + eps)
                    }
                }
            }
        }
    }

    public var state: OptimizerState<Scalar> {
        OptimizerState(buffers: ["exp_avg": firstMoment, "exp_avg_sq": secondMoment], counters: ["steps": steps])
    }

    public mutating func restore(_ state: OptimizerState<Scalar>) throws(OptimizerError) {
        steps = try state.counter("steps")
        guard steps > 0 else {
            (firstMoment, secondMoment) = ([], [])
            return
        }
        // After a step the moments are part of the state: a state without them cannot continue exactly.
        let first = try state.buffer("exp_avg")
        secondMoment = try state.buffer("exp_avg_sq", count: first.count)
        firstMoment = first
    }
}
