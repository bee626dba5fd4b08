import Foundation

/// A prior over one weight, and the KL divergence of the mean-field Gaussian posterior q = N(μ, σ²) to it,
/// with its derivatives in μ and σ (methods.md §5).
///
/// - Gaussian N(0, s²): `KL = ln(s/σ) + (σ² + μ²)/(2s²) − ½`;
/// - Laplace(b), density e^{−|θ|/b}/(2b): `KL = −½·ln(2πeσ²) + E|θ|/b + ln(2b)` with the smooth
///   `E_q|θ| = σ·√(2/π)·exp(−μ²/2σ²) + μ·(1 − 2Φ(−μ/σ))`;
/// - means-only weight decay, **not a prior**: the penalty `μ²/(2s²)` in place of the KL, the incompatible
///   example of §5.3 (no −ln σ term, so nothing keeps σ from collapsing). It is here so that an experiment can
///   train with it side by side; its ELBO is measured against `completion`, the Gaussian N(0, s²).
public enum VariationalPrior: Sendable, Equatable {
    case gaussian(variance: Double)
    case laplace(scale: Double)
    case meansOnlyDecay(variance: Double)

    /// The prior whose KL is this regularizer (itself), or for means-only decay the Gaussian prior that
    /// completes it to `(μ² + σ²)/(2s²) − ln σ`.
    public var completion: VariationalPrior {
        if case .meansOnlyDecay(let variance) = self { return .gaussian(variance: variance) }
        return self
    }

    /// The value of the regularizer training minimizes: the KL for a prior, the penalty for means-only decay.
    public func penalty(mean mu: Double, std sigma: Double) -> Double {
        if case .meansOnlyDecay(let variance) = self { return mu * mu / (2 * variance) }
        return kl(mean: mu, std: sigma)
    }

    /// (∂r/∂μ, ∂r/∂σ) of `penalty`.
    public func penaltyGradient(mean mu: Double, std sigma: Double) -> (mean: Double, std: Double) {
        if case .meansOnlyDecay(let variance) = self { return (mu / variance, 0) }
        return klGradient(mean: mu, std: sigma)
    }

    /// KL(N(μ, σ²) ‖ prior) (for means-only decay: to its completion).
    public func kl(mean mu: Double, std sigma: Double) -> Double {
        switch self {
        case .gaussian(let variance), .meansOnlyDecay(let variance):
            return 0.5 * log(variance / (sigma * sigma)) + (sigma * sigma + mu * mu) / (2 * variance) - 0.5
        case .laplace(let b):
            return -0.5 * log(2 * Double.pi * M_E * sigma * sigma) + Self.expectedAbsolute(mu, sigma) / b + log(2 * b)
        }
    }

    /// (∂KL/∂μ, ∂KL/∂σ).
    public func klGradient(mean mu: Double, std sigma: Double) -> (mean: Double, std: Double) {
        switch self {
        case .gaussian(let variance), .meansOnlyDecay(let variance):
            return (mu / variance, sigma / variance - 1 / sigma)
        case .laplace(let b):
            // ∂E|θ|/∂μ = 1 − 2Φ(−μ/σ) = erf(μ/(σ√2)); ∂E|θ|/∂σ = √(2/π)·exp(−μ²/2σ²).
            let dMean = erf(mu / (sigma * 2.0.squareRoot())) / b
            let dStd = (2 / Double.pi).squareRoot() * exp(-mu * mu / (2 * sigma * sigma)) / b - 1 / sigma
            return (dMean, dStd)
        }
    }

    /// E|θ| for θ ~ N(μ, σ²).
    public static func expectedAbsolute(_ mu: Double, _ sigma: Double) -> Double {
        sigma * (2 / Double.pi).squareRoot() * exp(-mu * mu / (2 * sigma * sigma)) + mu
            * erf(mu / (sigma * 2.0.squareRoot()))
    }

    /// −ln of the prior's density at θ.
    public func negativeLogDensity(_ theta: Double) -> Double {
        switch self {
        case .gaussian(let variance), .meansOnlyDecay(let variance):
            0.5 * theta * theta / variance + 0.5 * log(2 * Double.pi * variance)
        case .laplace(let b): abs(theta) / b + log(2 * b)
        }
    }
}
