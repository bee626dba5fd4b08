public import Optimizers
import RealModule
public import Tensors

/// Alrao's update (Blier, Wolinski, Ollivier 2019; methods.md §2.1): the body of the network learns with a
/// learning rate per parameter (one per unit, shared by the unit's weights and bias), and each of the K
/// output-layer copies with its own rate, each copy "as if it were alone".
///
/// Body, Alrao-SGD (weight decay λ added to the gradient; momentum m; per-parameter rate η):
///
///     b ← b·(1 − m·clamp(√η, 0, 1/m)) + (1 − τ)·g      (b = g at the first step; this momentum rule is the
///     θ ← θ − η ⊙ b                                      authors', not PyTorch's; with m = 0, θ ← θ − η ⊙ g)
///
/// Body, Alrao-Adam: the usual moments, then θ ← θ − (√(1 − β₂ᵗ)/(1 − β₁ᵗ))·(m ⊙ η)/(√v + ε).
/// Copy k: PyTorch's SGD (momentum m, weight decay λ) or Adam at its rate η_k. A copy whose loss was not
/// finite this step is skipped: its parameters and state stay as they were.
public struct AlraoOptimizer<Scalar: BLASScalar>: Sendable {
    public enum Kind: String, Sendable {
        case sgd, adam
    }

    public let kind: Kind
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// The body's parameters and their rates (one per parameter).
    public let bodyRange: Range<Int>
    public let bodyRates: [Scalar]
    /// Each copy's parameters and rate.
    public let copyRanges: [Range<Int>]
    public let copyRates: [Double]

    /// The body's momentum factor per parameter, `1 − m·clamp(√η, 0, 1/m)` (empty without momentum).
    private let bodyMomentumFactors: [Scalar]
    private var moment1: [Scalar] = []
    private var moment2: [Scalar] = []
    private var bodySteps: Int64 = 0
    private var copySteps: [Int64]

    public init(
        kind: Kind, bodyRange: Range<Int>, bodyRates: [Scalar], copyRanges: [Range<Int>], copyRates: [Double],
        momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0, beta1: Double = 0.9,
        beta2: Double = 0.999, epsilon: Double = 1e-8
    ) throws(OptimizerError) {
        try OptimizerError.require(momentum >= 0 && momentum < 1, "alrao_momentum", momentum, "in [0, 1)")
        try OptimizerError.require(dampening >= 0 && dampening <= 1, "dampening", dampening, "in [0, 1]")
        try OptimizerError.require(weightDecay >= 0 && weightDecay.isFinite, "weight_decay", weightDecay, ">= 0")
        try OptimizerError.require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "in [0, 1)")
        try OptimizerError.require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "in [0, 1)")
        try OptimizerError.require(epsilon > 0, "epsilon", epsilon, "positive")
        precondition(
            bodyRates.count == bodyRange.count, "AlraoOptimizer: \(bodyRates.count) rates for \(bodyRange.count)")
        precondition(
            copyRanges.count == copyRates.count, "AlraoOptimizer: \(copyRanges.count) copies, \(copyRates.count) rates")
        self.kind = kind
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.bodyRange = bodyRange
        self.bodyRates = bodyRates
        self.copyRanges = copyRanges
        self.copyRates = copyRates
        copySteps = [Int64](repeating: 0, count: copyRanges.count)
        let m = Scalar(momentum)
        bodyMomentumFactors = momentum > 0 ? bodyRates.map { 1 - m * min(max($0.squareRoot(), 0), 1 / m) } : []
    }

    public var name: String { "alrao-\(kind.rawValue)" }

    var parameterCount: Int { max(bodyRange.upperBound, copyRanges.map(\.upperBound).max() ?? 0) }

    /// Updates the body and every copy not in `skippedCopies`.
    public mutating func step(parameters: inout [Scalar], gradient: [Scalar], skippedCopies: Set<Int> = []) {
        precondition(parameters.count == gradient.count, "AlraoOptimizer: \(parameters.count) vs \(gradient.count)")
        if (momentum > 0 || kind == .adam) && moment1.count != parameters.count {
            moment1 = [Scalar](repeating: 0, count: parameters.count)
            moment2 = kind == .adam ? [Scalar](repeating: 0, count: parameters.count) : []
        }
        bodySteps += 1
        let rates = bodyRates
        parameters.withUnsafeMutableBufferPointer { theta in
            gradient.withUnsafeBufferPointer { g in
                switch kind {
                case .sgd: bodySGD(theta, g, rates)
                case .adam: adam(theta, g, range: bodyRange, rate: { rates[$0] }, t: bodySteps)
                }
                for (k, range) in copyRanges.enumerated() where !skippedCopies.contains(k) {
                    copySteps[k] += 1
                    let rate = Scalar(copyRates[k])
                    switch kind {
                    case .sgd: copySGD(theta, g, range: range, rate: rate, first: copySteps[k] == 1)
                    case .adam: adam(theta, g, range: range, rate: { _ in rate }, t: copySteps[k])
                    }
                }
            }
        }
    }

    private mutating func bodySGD(
        _ theta: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>, _ rates: [Scalar]
    ) {
        let (decay, keep) = (Scalar(weightDecay), Scalar(1 - dampening))
        let (lower, count) = (bodyRange.lowerBound, bodyRange.count)
        // One loop per case, with no branch inside (as in `SGD.step`).
        rates.withUnsafeBufferPointer { eta in
            guard momentum > 0 else {
                for j in 0..<count {
                    let i = lower + j
                    theta[i] -= eta[j] * (g[i] + decay * theta[i])
                }
                return
            }
            moment1.withUnsafeMutableBufferPointer { b in
                if bodySteps == 1 {
                    for j in 0..<count {
                        let i = lower + j
                        b[i] = g[i] + decay * theta[i]
                        theta[i] -= eta[j] * b[i]
                    }
                } else {
                    bodyMomentumFactors.withUnsafeBufferPointer { factor in
                        for j in 0..<count {
                            let i = lower + j
                            b[i] = b[i] * factor[j] + keep * (g[i] + decay * theta[i])
                            theta[i] -= eta[j] * b[i]
                        }
                    }
                }
            }
        }
    }

    private mutating func copySGD(
        _ theta: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>, range: Range<Int>, rate: Scalar,
        first: Bool
    ) {
        let (m, decay, keep) = (Scalar(momentum), Scalar(weightDecay), Scalar(1 - dampening))
        guard momentum > 0 else {
            for i in range { theta[i] -= rate * (g[i] + decay * theta[i]) }
            return
        }
        moment1.withUnsafeMutableBufferPointer { b in
            if first {
                for i in range {
                    b[i] = g[i] + decay * theta[i]
                    theta[i] -= rate * b[i]
                }
            } else {
                for i in range {
                    b[i] = m * b[i] + keep * (g[i] + decay * theta[i])
                    theta[i] -= rate * b[i]
                }
            }
        }
    }

    private mutating func adam(
        _ theta: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>, range: Range<Int>,
        rate: (Int) -> Scalar, t: Int64
    ) {
        let (b1, b2, eps, decay) = (Scalar(beta1), Scalar(beta2), Scalar(epsilon), Scalar(weightDecay))
        let correction = Scalar((1 - Double.pow(beta2, Double(t))).squareRoot() / (1 - Double.pow(beta1, Double(t))))
        moment1.withUnsafeMutableBufferPointer { m in
            moment2.withUnsafeMutableBufferPointer { v in
                for (j, i) in range.enumerated() {
                    let gi = g[i] + decay * theta[i]
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    theta[i] -= correction * (m[i] * rate(j)) / (v[i].squareRoot() + eps)
                }
            }
        }
    }

    /// Moments (in the parameters' layout), the body's step count and each copy's.
    public var state: OptimizerState<Scalar> {
        var buffers = [String: [Scalar]]()
        if !moment1.isEmpty { buffers[kind == .adam ? "exp_avg" : "momentum"] = moment1 }
        if !moment2.isEmpty { buffers["exp_avg_sq"] = moment2 }
        return OptimizerState(
            buffers: buffers, counters: ["steps": bodySteps], vectors: ["copy_steps": copySteps.map(Double.init)])
    }

    public mutating func restore(_ state: OptimizerState<Scalar>) throws(OptimizerError) {
        bodySteps = try state.counter("steps")
        copySteps = try state.vector("copy_steps", count: copyRanges.count).map { Int64($0) }
        guard bodySteps > 0 && (momentum > 0 || kind == .adam) else {
            (moment1, moment2) = ([], [])
            return
        }
        let first = try state.buffer(kind == .adam ? "exp_avg" : "momentum", count: parameterCount)
        moment2 = kind == .adam ? try state.buffer("exp_avg_sq", count: parameterCount) : []
        moment1 = first
    }
}
