import Foundation

/// A prior over one weight, and the KL divergence of the mean-field Gaussian posterior q = N(μ, σ²) to it,
/// with its derivatives in μ and σ (methods.md §5).
///
/// - Gaussian N(0, s²): `KL = ln(s/σ) + (σ² + μ²)/(2s²) − ½`;
/// - Laplace(b), density e^{−|θ|/b}/(2b): `KL = −½·ln(2πeσ²) + E|θ|/b + ln(2b)` with the smooth
///   `E_q|θ| = σ·√(2/π)·exp(−μ²/2σ²) + μ·(1 − 2Φ(−μ/σ))`.
public enum VariationalPrior: Sendable, Equatable {
    case gaussian(variance: Double)
    case laplace(scale: Double)

    /// KL(N(μ, σ²) ‖ prior).
    public func kl(mean mu: Double, std sigma: Double) -> Double {
        switch self {
        case .gaussian(let variance):
            return 0.5 * log(variance / (sigma * sigma)) + (sigma * sigma + mu * mu) / (2 * variance) - 0.5
        case .laplace(let b):
            return -0.5 * log(2 * Double.pi * M_E * sigma * sigma) + Self.expectedAbsolute(mu, sigma) / b + log(2 * b)
        }
    }

    /// (∂KL/∂μ, ∂KL/∂σ).
    public func klGradient(mean mu: Double, std sigma: Double) -> (mean: Double, std: Double) {
        switch self {
        case .gaussian(let variance):
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
        case .gaussian(let variance): 0.5 * theta * theta / variance + 0.5 * log(2 * Double.pi * variance)
        case .laplace(let b): abs(theta) / b + log(2 * b)
        }
    }
}
