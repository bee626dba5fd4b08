import Diagnostics
import Foundation
import Networks
import TestSupport
import Testing

/// Gauss–Hermite quadrature and the edge-of-chaos maps against closed forms and methods.md section 1.4.
@Suite struct MeanFieldTests {
    /// A 20-point rule integrates Z^k exactly for k < 40: E[Z^{2k}] = (2k − 1)!!, odd moments 0. Nodes against
    /// numpy's `hermgauss(20)` (times √2): the largest and the smallest positive one.
    @Test func gaussHermiteIsExactForPolynomials() {
        let rule = GaussHermite(count: 20)
        #expect(abs(rule.weights.reduce(0, +) - 1) < 1e-14)
        var doubleFactorial = 1.0
        for k in 1...19 {
            doubleFactorial *= Double(2 * k - 1)
            let moment = rule.expectation { pow($0, Double(2 * k)) }
            #expect(Tolerance.relativeError(moment, doubleFactorial) < 1e-12, "E[Z^\(2 * k)] = \(moment)")
            #expect(abs(rule.expectation { pow($0, Double(2 * k - 1)) }) < 1e-12 * doubleFactorial)
        }
        #expect(abs(rule.nodes.last! - 2.0.squareRoot() * 5.387480890011233) < 1e-12)
        #expect(abs(rule.nodes[10] - 2.0.squareRoot() * 0.2453407083009012) < 1e-12)
        // A smooth non-polynomial integrand with 200 points: E[cos Z] = e^{−1/2}.
        #expect(abs(GaussHermite(count: 200).expectation { cos($0) } - exp(-0.5)) < 1e-14)
    }

    /// ReLU with σ_w² = 2, σ_b = 0: V(q) = q, χ₁ = 1 exactly, and the correlation map is the arc-cosine kernel
    /// C(c) = (√(1 − c²) + (π − arccos c)·c)/π. The kink at 0 limits the 200-point product rule to about
    /// 1.3·10⁻³ (at c = 0), so the closed form is checked to 2·10⁻³; the same rule in numpy (`hermgauss(200)`,
    /// outer product) gives the values in `numpy`, which are matched to 1e-12.
    @Test func reluMatchesTheArcCosineKernel() {
        let field = MeanField(activation: .relu, weightVariance: 2, biasVariance: 0)
        #expect(abs(field.variance(0.7) - 0.7) < 1e-12)
        #expect(abs(field.chi1(q: 1) - 1) < 1e-12)
        let numpy: [Double: Double] = [
            -0.9: 0.009857436816022783, -0.3: 0.18337423516520326, 0: 0.31962261666857683,
            0.4: 0.5447117745911471, 0.8: 0.8275293016707118, 0.99: 0.9903657838061255,
        ]
        for (c, rule) in numpy {
            let expected = ((1 - c * c).squareRoot() + (Double.pi - acos(c)) * c) / Double.pi
            let value = field.correlation(c, q: 1.3)
            #expect(abs(value - expected) < 2e-3, "C(\(c)) = \(value), arc-cosine \(expected)")
            #expect(abs(value - rule) < 1e-12, "C(\(c)) = \(value), numpy's rule \(rule)")
        }
    }

    /// The tanh baseline of the Gaussianity paper sits at the edge of chaos: σ_w = 1.2083045973594573,
    /// σ_b = 0.11401754250991379 give q* = 0.3029397558 and χ₁ = 0.99886 (numpy, 200-point `hermgauss`),
    /// matched to 10⁻⁵. The correlation map has slope χ₁ at c = 1 and fixes c = 1.
    @Test func tanhEdgeOfChaos() {
        let field = MeanField(
            activation: .tanh, weightVariance: 1.2083045973594573 * 1.2083045973594573,
            biasVariance: 0.11401754250991379 * 0.11401754250991379)
        let fixed = field.varianceFixedPoint()
        #expect(fixed.converged)
        #expect(abs(fixed.q - 0.30293975580661603) < 1e-9, "q* = \(fixed.q)")
        let chi = field.chi1(q: fixed.q)
        #expect(abs(chi - 0.99886) < 1e-5, "χ₁ = \(chi)")
        #expect(abs(field.correlation(1, q: fixed.q) - 1) < 1e-9)
        let h = 1e-4
        let slope = (field.correlation(1, q: fixed.q) - field.correlation(1 - h, q: fixed.q)) / h
        #expect(abs(slope - chi) < 1e-3, "C'(1) = \(slope), χ₁ = \(chi)")
    }

    /// methods.md section 1.4 (200-point Gauss–Hermite, Z ~ N(0, 1), q = 1): (θ, E[W²], E[W²]·E[φᵒ²], χ₁ odd,
    /// E[W²]·E[φᵖ²], E[φᵖ], χ₁ positive). The columns with 4 decimals are checked to 10⁻⁴, those with 3 to 10⁻³.
    static let table: [(Double, Double, Double, Double, Double, Double, Double)] = [
        (2.05, 0.9899, 1.0060, 1.248, 1.0058, 0.901, 0.225), (2.5, 0.9314, 0.9909, 1.107, 0.9911, 0.896, 0.262),
        (3, 0.9027, 0.9802, 1.048, 0.9799, 0.887, 0.287), (4, 0.8862, 0.9696, 1.006, 0.9690, 0.872, 0.315),
        (5, 0.8873, 0.9678, 0.993, 0.9660, 0.860, 0.331), (7, 0.8997, 0.9676, 0.984, 0.9640, 0.844, 0.346),
        (10, 0.9182, 0.9695, 0.983, 0.9643, 0.830, 0.356),
    ]

    @Test(arguments: table.map(\.0))
    func weibullPairsChiTable(_ theta: Double) throws {
        let row = try #require(Self.table.first { $0.0 == theta })
        let odd = MeanField(pair: try #require(WeibullPair(.odd, theta: theta)))
        let positive = MeanField(pair: try #require(WeibullPair(.positive, theta: theta)))
        #expect(abs(odd.weightVariance - row.1) < 1e-4)
        #expect(abs(odd.variance(1) - row.2) < 1e-4, "θ \(theta): E[W²]E[φᵒ²] = \(odd.variance(1))")
        #expect(abs(odd.chi1(q: 1) - row.3) < 1e-3, "θ \(theta): χ₁ odd = \(odd.chi1(q: 1))")
        #expect(abs(positive.variance(1) - row.4) < 1e-4, "θ \(theta): E[W²]E[φᵖ²] = \(positive.variance(1))")
        let mean = positive.activationMoments(q: 1).mean
        #expect(abs(mean - row.5) < 1e-3, "θ \(theta): E[φᵖ] = \(mean)")
        #expect(abs(positive.chi1(q: 1) - row.6) < 1e-3, "θ \(theta): χ₁ positive = \(positive.chi1(q: 1))")
    }
}
