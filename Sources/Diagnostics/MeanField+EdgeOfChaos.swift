import Foundation
public import Networks

extension MeanField {
    /// The law of the weights: E[W²] = 1 for Gaussian weights, Γ(1 + 2/θ) for symmetric Weibull 𝒲(θ, 1).
    public enum WeightLaw: String, CaseIterable, Sendable {
        case gaussian, weibull

        /// E[W²] of the law (θ is used by `weibull` only).
        public func secondMoment(theta: Double) -> Double {
            self == .weibull ? tgamma(1 + 2 / theta) : 1
        }
    }

    /// The setting of `partita eoc`: weights of scale σ_w with law `weights` (σ_w²·E[W²] is the weight
    /// variance), biases of standard deviation σ_b.
    public init(
        activation: Activation, weights: WeightLaw, theta: Double, sigmaW: Double, sigmaB: Double, points: Int = 200
    ) {
        self.init(
            activation: activation, weightVariance: sigmaW * sigmaW * weights.secondMoment(theta: theta),
            biasVariance: sigmaB * sigmaB, points: points)
    }

    /// The edge-of-chaos point (σ_w, σ_b) the Gaussianity paper uses for a Gaussian-weight activation, or nil
    /// when it has none on record: ReLU at σ_w = √2, σ_b = 0 (χ₁ = σ_w²·P(Z > 0) = 1 at every q), tanh at
    /// σ_w = 1.2083045973594573, σ_b = 0.11401754250991379 (the paper's digits: χ₁(q*) = 1.0011 by the
    /// 200-point maps above, checked in `EdgeOfChaosTests`).
    public static func edgeOfChaos(_ activation: Activation) -> (sigmaW: Double, sigmaB: Double)? {
        switch activation {
        case .relu: reluEdgeOfChaos
        case .tanh: tanhEdgeOfChaos
        default: nil
        }
    }

    public static let reluEdgeOfChaos = (sigmaW: 2.0.squareRoot(), sigmaB: 0.0)
    public static let tanhEdgeOfChaos = (sigmaW: 1.2083045973594573, sigmaB: 0.11401754250991379)

    /// The correlation after `depth` layers from `c`, iterating c ← min(1, C(c)) at variance q and stopping
    /// early once a step changes it by less than `tolerance`: it tends to 1 in the ordered phase and to the
    /// stable fixed point c* < 1 in the chaotic phase (slowly, like a power of the depth, at the edge of chaos).
    public func correlation(afterLayers depth: Int, from c: Double, q: Double, tolerance: Double = 1e-12) -> Double {
        var c = c
        for _ in 0..<depth {
            let next = min(1, correlation(c, q: q))
            if abs(next - c) < tolerance { break }
            c = next
        }
        return c
    }
}
