public import Networks
import RealModule

/// The mean-field (edge-of-chaos) maps of a deep network with i.i.d. weights of variance σ_w²·E[W²]/n and
/// biases of variance σ_b² (Poole et al. 2016, Schoenholz et al. 2017; methods.md section 1.4):
///
/// - variance map  V(q) = σ_w²·E[W²]·E[φ(√q·Z)²] + σ_b²;
/// - correlation map C(c) = (σ_w²·E[W²]·E[φ(u₁)φ(u₂)] + σ_b²)/q*, with (u₁, u₂) centred Gaussian, both
///   variances q* and correlation c: u₁ = √q*·Z₁, u₂ = √q*·(c·Z₁ + √(1 − c²)·Z₂);
/// - χ₁ = σ_w²·E[W²]·E[φ'(√q*·Z)²], the slope of C at c = 1: χ₁ = 1 is the edge of chaos, χ₁ < 1 ordered,
///   χ₁ > 1 chaotic.
///
/// Expectations use Gauss–Hermite quadrature (one dimension for V and χ₁, a product rule for C). For the
/// Weibull pairs E[W²] = Γ(1 + 2/θ) with σ_w = 1 and σ_b = 0; for Gaussian weights E[W²] = 1.
public struct MeanField: Sendable {
    public let activation: Activation
    /// σ_w²·E[W²]: the variance of a weight times the fan-in.
    public let weightVariance: Double
    /// σ_b².
    public let biasVariance: Double
    public let quadrature: GaussHermite

    public init(activation: Activation, weightVariance: Double, biasVariance: Double, points: Int = 200) {
        self.activation = activation
        self.weightVariance = weightVariance
        self.biasVariance = biasVariance
        quadrature = GaussHermite(count: points)
    }

    /// The setting of a Weibull pair: σ_w = 1, E[W²] = Γ(1 + 2/θ), σ_b = 0.
    public init(pair: WeibullPair, points: Int = 200) {
        self.init(activation: .weibull(pair), weightVariance: pair.weightSecondMoment, biasVariance: 0, points: points)
    }

    /// E[φ(√q·Z)] and E[φ(√q·Z)²]: the mean and second moment of a post-activation at variance q.
    public func activationMoments(q: Double) -> (mean: Double, secondMoment: Double) {
        let s = q.squareRoot()
        let mean = quadrature.expectation { activation.value(s * $0) }
        let second = quadrature.expectation {
            let a = activation.value(s * $0); return a * a
        }
        return (mean, second)
    }

    /// V(q).
    public func variance(_ q: Double) -> Double {
        weightVariance * activationMoments(q: q).secondMoment + biasVariance
    }

    /// The fixed point q* = V(q*) reached by iterating V from `start` (the depth recursion), with whether it
    /// converged to a relative change below `tolerance` within `maxIterations`. (For ReLU at σ_w² = 2 every q is
    /// fixed, and iteration returns the start.)
    public func varianceFixedPoint(
        start: Double = 1, tolerance: Double = 1e-12, maxIterations: Int = 10_000
    ) -> (q: Double, converged: Bool) {
        var q = start
        for _ in 0..<maxIterations {
            let next = variance(q)
            if !next.isFinite { return (next, false) }
            if abs(next - q) <= tolerance * max(abs(q), 1e-300) { return (next, true) }
            q = next
        }
        return (q, false)
    }

    /// C(c) at variance q.
    public func correlation(_ c: Double, q: Double) -> Double {
        let s = q.squareRoot()
        let orthogonal = max(0, 1 - c * c).squareRoot()
        let z = quadrature.nodes
        let w = quadrature.weights
        var sum = 0.0
        for i in z.indices {
            let first = activation.value(s * z[i])
            var inner = 0.0
            for j in z.indices { inner += w[j] * activation.value(s * (c * z[i] + orthogonal * z[j])) }
            sum += w[i] * first * inner
        }
        return (weightVariance * sum + biasVariance) / q
    }

    /// χ₁ at variance q.
    public func chi1(q: Double) -> Double {
        let s = q.squareRoot()
        return weightVariance
            * quadrature.expectation {
                let d = activation.derivative(s * $0); return d * d
            }
    }
}
