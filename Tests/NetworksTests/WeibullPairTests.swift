import Foundation
import Networks
import TestSupport
import Testing

/// The Weibull-paired activations: the test vectors of methods.md section 1.2 (computed in numpy from the
/// fitted coefficients) to 1e-5, their hand-written derivatives against finite differences, and the config
/// names.
@Suite struct WeibullPairTests {
    static let points: [Double] = [-2, -0.5, 0, 0.5, 1, 2]
    static let vectors: [(WeibullPair.Family, Double, [Double])] = [
        (.odd, 3, [-1.811938, -0.661079, 0, 0.661079, 1.193116, 1.811938]),
        (.odd, 10, [-2.002146, -0.513085, 0, 0.513085, 1.080567, 2.002146]),
        (.positive, 3, [0.040780, 0.521521, 0.873478, 1.209913, 1.488883, 1.943003]),
        (.positive, 10, [0.042617, 0.409746, 0.719030, 1.095926, 1.484312, 2.203752]),
    ]

    @Test func testVectorsOfTheReference() throws {
        for (family, theta, expected) in Self.vectors {
            let activation = Activation.weibull(try #require(WeibullPair(family, theta: theta)))
            for (x, value) in zip(Self.points, expected) {
                #expect(
                    abs(activation.value(x) - value) < 1e-5, "\(family) θ=\(theta) φ(\(x)) = \(activation.value(x))")
                #expect(abs(activation.derivatives(x).value - value) < 1e-5)
            }
        }
    }

    /// The surrogate stays within 0.052 of the exact inverse-CDF transport on [0, 3] (methods.md 1.2, values
    /// of the interpolation at x = 0.5, 1, 2, 3): a check that the coefficients are the right rows.
    @Test func closeToTheExactTransport() throws {
        let exact: [(Double, [Double])] = [
            (3, [0.6342, 1.2013, 1.8115, 2.2825]), (10, [0.5194, 1.0844, 1.9858, 2.7256]),
        ]
        for (theta, values) in exact {
            let pair = try #require(WeibullPair(.odd, theta: theta))
            for (x, value) in zip([0.5, 1, 2, 3], values) { #expect(abs(pair.value(x) - value) < 0.052) }
        }
    }

    /// As ActivationTests: h = 1e-5 central differences of the order below, 1e-7 absolute, at points away from
    /// 0 (where the odd φ'' jumps). Every table row of both families.
    @Test func derivativesMatchFiniteDifferences() {
        let points: [Double] = [-3.1, -1.2, -0.4, 0.3, 0.9, 2.2, 4.5]
        for family in WeibullPair.Family.allCases {
            for theta in WeibullPair.thetas(family) {
                let activation = Activation.weibull(WeibullPair(family, theta: theta)!)
                for x in points {
                    let d = activation.derivatives(x)
                    #expect(abs(d.value - activation.value(x)) < 1e-14)
                    #expect(abs(d.first - activation.derivative(x)) < 1e-14)
                    let first = FiniteDifferences.derivative({ activation.value($0) }, at: x)
                    let second = FiniteDifferences.derivative({ activation.derivatives($0).first }, at: x)
                    let third = FiniteDifferences.derivative({ activation.derivatives($0).second }, at: x)
                    let label = "\(family) θ=\(theta) at \(x)"
                    #expect(abs(d.first - first) < 1e-7, "\(label): φ' \(d.first) vs \(first)")
                    #expect(abs(d.second - second) < 1e-7, "\(label): φ'' \(d.second) vs \(second)")
                    #expect(abs(d.third - third) < 1e-7, "\(label): φ''' \(d.third) vs \(third)")
                }
            }
        }
    }

    /// The odd φ is odd, and φ' at −x (taken from the branch at |x|) is the slope of φ there, by central
    /// differences (1e-7 as above); the positive φ is positive.
    @Test func symmetries() {
        let odd = WeibullPair(.odd, theta: 4)!
        let positive = WeibullPair(.positive, theta: 4)!
        for x in stride(from: 0.1, through: 6, by: 0.7) {
            #expect(odd.value(-x) == -odd.value(x))
            let slope = FiniteDifferences.derivative({ odd.value($0) }, at: -x)
            #expect(abs(odd.derivatives(-x).first - slope) < 1e-7, "φ'(−\(x)) \(odd.derivatives(-x).first) vs \(slope)")
            #expect(positive.value(-x) > 0 && positive.value(x) > 0)
        }
        #expect(odd.value(0) == 0)
    }

    @Test func namesAndTable() {
        #expect(Activation(name: "weibull-odd", weibullTheta: 2.5) == .weibull(WeibullPair(.odd, theta: 2.5)!))
        #expect(Activation(name: "weibull-positive", weibullTheta: 7)?.name == "weibull-positive")
        #expect(Activation(name: "weibull-positive", weibullTheta: 6) == nil)  // no positive row for θ = 6
        #expect(Activation(name: "weibull-odd", weibullTheta: 3.3) == nil)
        #expect(WeibullPair.thetas(.odd) == [2.05, 2.1, 2.2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(WeibullPair.thetas(.positive) == [2.05, 2.5, 3, 4, 5, 7, 10])
        #expect(abs(WeibullPair(.odd, theta: 3)!.weightSecondMoment - 0.9027452929509336) < 1e-15)  // Γ(5/3)
    }

    /// `weibull-paired` draws the first layer from N(0, 1/fan_in) and later layers from 𝒲(θ, 1)/√fan_in:
    /// 300×300 weights, 5% (the standard error of a second moment from 90 000 draws is under 1%), and the
    /// Weibull layer's fourth moment tells the laws apart: E[W⁴]/E[W²]² = Γ(1 + 4/θ)/Γ(1 + 2/θ)² = 2.15 for
    /// θ = 3 against 3 for the normal.
    @Test func weibullPairedInitialization() {
        let architecture = MLPArchitecture(
            sizes: [300, 300, 300], activation: .weibull(WeibullPair(.odd, theta: 3)!),
            bias: false)
        let mlp = MLP<Double>(architecture, initialization: .weibullPaired(theta: 3), seed: 5)
        func moments(_ name: String) -> (Double, Double) {
            let w = mlp.parameters[name]
            let second = w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
            let fourth = w.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(w.count)
            return (second * 300, fourth / (second * second))
        }
        let first = moments("layers.0.weight")
        let second = moments("layers.1.weight")
        #expect(Tolerance.relativeError(first.0, 1) < 0.05)
        #expect(Tolerance.relativeError(first.1, 3) < 0.05)
        #expect(Tolerance.relativeError(second.0, tgamma(1 + 2.0 / 3)) < 0.05)
        #expect(Tolerance.relativeError(second.1, tgamma(1 + 4.0 / 3) / pow(tgamma(1 + 2.0 / 3), 2)) < 0.05)
    }
}
