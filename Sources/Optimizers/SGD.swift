public import Networks
public import Tensors

/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, as in PyTorch's
/// `torch.optim.SGD`:
///
///     g ← g + λ·θ                                  (weight decay λ)
///     b ← μ·b + (1 − τ)·g,  with b = g at the first step   (momentum μ, dampening τ)
///     d ← g + μ·b  if Nesterov,  else  d ← b
///     θ ← θ − η·d
///
/// With μ = 0 this is plain SGD, `θ ← θ − η·(g + λθ)`.
public struct SGD<Scalar: BLASScalar>: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let dampening: Double
    public let nesterov: Bool
    public let weightDecay: Double

    private var velocity: [Scalar] = []
    private var steps: Int64 = 0

    public var name: String { "sgd" }

    public init(
        learningRate: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
        weightDecay: Double = 0
    ) throws(OptimizerError) {
        try OptimizerError.require(learningRate > 0 && learningRate.isFinite, "lr", learningRate, "a positive number")
        try OptimizerError.require(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)")
        try OptimizerError.require(dampening >= 0 && dampening <= 1, "dampening", dampening, "in [0, 1]")
        try OptimizerError.require(weightDecay >= 0 && weightDecay.isFinite, "weight_decay", weightDecay, ">= 0")
        if nesterov {
            try OptimizerError.require(
                momentum > 0 && dampening == 0, "momentum", momentum, "positive with zero dampening for Nesterov")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public mutating func step(parameters: inout ParameterBuffer<Scalar>, gradient g: UnsafeBufferPointer<Scalar>) {
        precondition(
            parameters.values.count == g.count, "SGD.step: \(parameters.values.count) parameters, \(g.count) gradients")
        let count = parameters.values.count
        let (eta, mu, decay) = (Scalar(learningRate), Scalar(momentum), Scalar(weightDecay))
        let keep = Scalar(1 - dampening)
        let first = steps == 0
        if momentum > 0 && velocity.count != count { velocity = [Scalar](repeating: 0, count: count) }
        // One loop per case, with no branch inside, so each one vectorizes.
        parameters.values.withUnsafeMutableBufferPointer { theta in
            velocity.withUnsafeMutableBufferPointer { b in
                switch (momentum > 0, first, nesterov) {
                case (false, _, _):
                    for i in 0..<count { theta[i] -= eta * (g[i] + decay * theta[i]) }
                case (true, true, let nesterov):
                    let lookahead: Scalar = nesterov ? 1 + mu : 1
                    for i in 0..<count {
                        let d = g[i] + decay * theta[i]
                        b[i] = d
                        theta[i] -= eta * lookahead * d
                    }
                case (true, false, false):
                    for i in 0..<count {
                        b[i] = mu * b[i] + keep * (g[i] + decay * theta[i])
                        theta[i] -= eta * b[i]
                    }
                case (true, false, true):
                    for i in 0..<count {
                        let d = g[i] + decay * theta[i]
                        b[i] = mu * b[i] + keep * d
                        theta[i] -= eta * (d + mu * b[i])
                    }
                }
            }
        }
        steps += 1
    }

    public var state: OptimizerState<Scalar> {
        OptimizerState(
            buffers: momentum > 0 && !velocity.isEmpty ? ["momentum": velocity] : [:], counters: ["steps": steps])
    }

    public mutating func restore(_ state: OptimizerState<Scalar>) throws(OptimizerError) {
        steps = try state.counter("steps")
        if momentum > 0 && steps > 0 {
            velocity = try state.buffer("momentum")
        } else {
            velocity = []
        }
    }
}
