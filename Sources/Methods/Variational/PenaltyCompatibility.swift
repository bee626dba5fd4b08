import Foundation

/// Which penalties r(μ, σ) on a mean-field Gaussian posterior are KL divergences to a prior (methods.md
/// §5.2): r is VI-compatible iff F(μ, σ) = r(μ, σ) + ln σ is, up to a constant, the Gaussian smoothing of
/// some ψ = −ln α, that is iff F solves the heat equation in τ = σ²/2,
///
///     (1/σ)·∂F/∂σ = ∂²F/∂μ²,
///
/// and has a finite limit as σ → 0⁺; then ψ(θ) = lim_{σ→0} F(θ, σ) and α ∝ e^{−ψ} (when normalizable).
public enum PenaltyCompatibility {
    /// A penalty on one weight's posterior mean μ and standard deviation σ.
    public struct Penalty: Sendable {
        public let name: String
        public let formula: String
        public let r: @Sendable (Double, Double) -> Double
    }

    /// What the check found.
    public struct Verdict: Sendable {
        public let penalty: String
        public let compatible: Bool
        /// max |(1/σ)∂F/∂σ − ∂²F/∂μ²| over the grid, relative to the larger side's maximum.
        public let residual: Double
        public let finiteLimit: Bool
        public let prior: RecoveredPrior?
    }

    /// The prior a compatible penalty corresponds to.
    public enum RecoveredPrior: Sendable, Equatable, CustomStringConvertible {
        case gaussian(variance: Double)
        case laplace(scale: Double)
        /// Neither: ψ is described by its values; `normalizable` says whether ∫e^{−ψ} is finite on ℝ.
        case other(description: String, normalizable: Bool)

        public var description: String {
            switch self {
            case .gaussian(let variance): String(format: "Gaussian N(0, s²) with s² = %.6g", variance)
            case .laplace(let scale): String(format: "Laplace with scale b = %.6g", scale)
            case .other(let description, let normalizable):
                description
                    + (normalizable ? "" : " (not normalizable on ℝ: a prior only on a bounded or periodic domain)")
            }
        }
    }

    /// The built-in families, with their strengths.
    public static func builtIn(
        lambda: Double = 0.5, kappa: Double = 1, omega: Double = 2, variance: Double = 0.3, scale: Double = 0.7
    )
        -> [Penalty]
    {
        [
            Penalty(name: "l2-means", formula: "λ·μ² (weight decay on the means only)") { mu, _ in lambda * mu * mu },
            Penalty(name: "l2-log-sigma", formula: "λ·(μ² + σ²) − ln σ") { mu, sigma in
                lambda * (mu * mu + sigma * sigma) - log(sigma)
            },
            Penalty(name: "l1", formula: "λ·|μ| − ln σ") { mu, sigma in lambda * abs(mu) - log(sigma) },
            Penalty(name: "cosine", formula: "−κ·cos(ωμ)·exp(−ω²σ²/2) − ln σ") { mu, sigma in
                -kappa * cos(omega * mu) * exp(-omega * omega * sigma * sigma / 2) - log(sigma)
            },
            Penalty(name: "gaussian-kl", formula: "ln(s/σ) + (σ² + μ²)/(2s²) − ½") { mu, sigma in
                VariationalPrior.gaussian(variance: variance).kl(mean: mu, std: sigma)
            },
            Penalty(name: "laplace", formula: "E|N(μ, σ²)|/b − ln σ") { mu, sigma in
                VariationalPrior.expectedAbsolute(mu, sigma) / scale - log(sigma)
            },
        ]
    }

    /// The grid: μ from −2 to 2 by 0.25 (0 included: that is where |μ| breaks the equation), σ from 0.25 to 2.
    static let means = stride(from: -2.0, through: 2.0, by: 0.25).map { $0 }
    static let stds = stride(from: 0.25, through: 2.0, by: 0.25).map { $0 }

    public static func check(_ penalty: Penalty) -> Verdict {
        let f = { (mu: Double, sigma: Double) in penalty.r(mu, sigma) + log(sigma) }
        let (h, k) = (1e-3, 1e-4)
        var maxDifference = 0.0
        var maxSide = 0.0
        for mu in means {
            for sigma in stds {
                let left = (f(mu, sigma + k) - f(mu, sigma - k)) / (2 * k) / sigma
                let right = (f(mu + h, sigma) - 2 * f(mu, sigma) + f(mu - h, sigma)) / (h * h)
                maxDifference = max(maxDifference, abs(left - right))
                maxSide = max(maxSide, abs(left), abs(right))
            }
        }
        let residual = maxDifference / max(maxSide, 1e-12)
        let tiny = 1e-7
        let finiteLimit = means.allSatisfy { f($0, tiny).isFinite && abs(f($0, tiny) - f($0, 2 * tiny)) < 1e-6 }
        let compatible = residual < 1e-4 && finiteLimit
        return Verdict(
            penalty: penalty.name, compatible: compatible, residual: residual, finiteLimit: finiteLimit,
            prior: compatible ? recoverPrior { f($0, tiny) - f(0, tiny) } : nil)
    }

    /// ψ(θ) − ψ(0) sampled on [−3, 3], fitted by c·θ² (a Gaussian, s² = 1/(2c)) or c·|θ| (a Laplace, b = 1/c).
    static func recoverPrior(_ psi: (Double) -> Double) -> RecoveredPrior {
        let thetas = stride(from: -3.0, through: 3.0, by: 0.125).filter { $0 != 0 }
        let values = thetas.map(psi)
        func fit(_ basis: (Double) -> Double) -> (c: Double, error: Double) {
            let b = thetas.map(basis)
            let c = zip(b, values).reduce(0) { $0 + $1.0 * $1.1 } / b.reduce(0) { $0 + $1 * $1 }
            let error = zip(b, values).map { abs(c * $0 - $1) }.max() ?? .infinity
            return (c, error / max(values.map(abs).max() ?? 1, 1e-12))
        }
        let quadratic = fit { $0 * $0 }
        if quadratic.error < 1e-5 && quadratic.c > 0 { return .gaussian(variance: 1 / (2 * quadratic.c)) }
        let absolute = fit { abs($0) }
        if absolute.error < 1e-5 && absolute.c > 0 { return .laplace(scale: 1 / absolute.c) }
        // Normalizable when ∫ e^{−ψ} stops growing as the interval widens.
        func mass(_ half: Double) -> Double {
            stride(from: -half, through: half, by: 0.01).reduce(0) { $0 + exp(-psi($1)) * 0.01 }
        }
        let normalizable = mass(200) < 1.01 * mass(100)
        let samples = [0.5, 1.0, 1.5].map { String(format: "ψ(%.1f) − ψ(0) = %.4f", $0, psi($0)) }
        return .other(description: "ψ: " + samples.joined(separator: ", "), normalizable: normalizable)
    }
}
