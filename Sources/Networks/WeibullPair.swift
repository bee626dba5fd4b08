import RealModule

/// An activation φ paired with symmetric Weibull weights 𝒲(θ, 1) so that `W·φ(X) ~ N(0, 1)` when
/// `X ~ N(0, 1)` and W are independent (Wolinski & Arbel, "Gaussian pre-activations in neural networks:
/// myth or reality?", TMLR 2025). A layer `z' = W·φ(z)/√n` with independent N(0, 1) inputs then gives
/// N(0, 1) pre-activations at any width, not only in the infinite-width limit.
///
/// φ is the authors' closed-form surrogate of the inverse-CDF transport, with α = 1 − 2/θ:
/// - odd:      φ(x) = a·tanh(b·x)·((|x| + c)^α + d)·(ln(|x| + f) + g)
/// - positive: φ(x) = a·σ(b·x + h)·((s(x) + c)^α + d)·(ln(s(x) + f) + g), σ logistic, s softplus
///
/// The coefficients are the fitted values shipped in the authors' repository `p-wol/gaussian-preact`
/// (GPL-3.0; `objects/ActFunction_theta-*.pkl` and `objects/ActFunctionPos_theta-*.pkl`, decoded in
/// `shared/docs/reference/methods.md` section 1.2). Only the numbers are used; the code is Partita's.
///
/// Smoothness: the positive φ is C^∞. The odd φ is built from |x|, so φ and φ' are continuous at 0 but φ''
/// jumps there (the surrogate has an x·|x| term); at exactly x = 0 the derivatives of the x ≥ 0 branch are
/// returned.
public struct WeibullPair: Hashable, Sendable, CustomStringConvertible {
    public enum Family: String, Hashable, Sendable, CaseIterable {
        /// φ odd, Y = φ(X) symmetric.
        case odd
        /// φ > 0: W·|Y| has the law of W·Y because W is symmetric.
        case positive
    }

    public let family: Family
    /// The Weibull shape θ > 2 of the weights.
    public let theta: Double
    /// (a, b, h, c, d, f, g); h = 0 for the odd family.
    let coefficients: Coefficients

    struct Coefficients: Hashable, Sendable {
        let a, b, h, c, d, f, g: Double
    }

    /// The pair for `theta`, which must be a row of the family's table (`thetas(family)`); nil otherwise.
    public init?(_ family: Family, theta: Double) {
        let table = family == .odd ? Self.oddTable : Self.positiveTable
        guard let coefficients = table.first(where: { $0.theta == theta })?.coefficients else { return nil }
        self.family = family
        self.theta = theta
        self.coefficients = coefficients
    }

    /// The θ values with fitted coefficients, in increasing order.
    public static func thetas(_ family: Family) -> [Double] {
        (family == .odd ? oddTable : positiveTable).map(\.theta)
    }

    /// α = 1 − 2/θ: φ grows like |x|^α at infinity.
    public var alpha: Double { 1 - 2 / theta }

    /// E[W²] = Γ(1 + 2/θ) for W ~ 𝒲(θ, 1).
    public var weightSecondMoment: Double { Double.gamma(1 + 2 / theta) }

    /// The config name: `weibull-odd` or `weibull-positive`.
    public var name: String { "weibull-" + family.rawValue }

    public var description: String { "\(name) θ=\(Self.format(theta))" }

    /// θ as written in the tables (`3`, `2.05`).
    public static func format(_ theta: Double) -> String {
        theta == theta.rounded() ? String(Int(theta)) : String(theta)
    }

    // MARK: Values and derivatives

    /// (φ, φ', φ'', φ''') at x, computed in Double by the product and chain rules on order-3 Taylor
    /// coefficients (`Jet3`): each factor's derivatives are written out in `factors(at:)`.
    public func derivatives(_ x: Double) -> (value: Double, first: Double, second: Double, third: Double) {
        switch family {
        case .odd:
            // φ(−x) = −φ(x): φ' and φ''' are even, φ and φ'' odd.
            let j = oddBranch(abs(x))
            return x < 0 ? (-j.value, j.first, -j.second, j.third) : (j.value, j.first, j.second, j.third)
        case .positive:
            let j = positive(x)
            return (j.value, j.first, j.second, j.third)
        }
    }

    /// φ(x).
    public func value(_ x: Double) -> Double {
        let k = coefficients
        switch family {
        case .odd:
            let u = abs(x)
            return k.a * Double.tanh(k.b * x) * (Double.pow(u + k.c, alpha) + k.d) * (Double.log(u + k.f) + k.g)
        case .positive:
            let s = Activation.softplus(x)
            return k.a * Activation.logistic(k.b * x + k.h) * (Double.pow(s + k.c, alpha) + k.d)
                * (Double.log(s + k.f) + k.g)
        }
    }

    /// The odd φ on u ≥ 0: a·tanh(b·u)·P(u)·L(u) with P(u) = (u + c)^α + d and L(u) = ln(u + f) + g.
    func oddBranch(_ u: Double) -> Jet3 {
        let k = coefficients
        // tanh(y), y = b·u: t' = 1 − t², t'' = −2t(1 − t²), t''' = (1 − t²)(6t² − 2), times b, b², b³.
        let t = Double.tanh(k.b * u)
        let q = 1 - t * t
        let tanhJet = Jet3(t, k.b * q, k.b * k.b * (-2 * t * q), k.b * k.b * k.b * q * (6 * t * t - 2))
        return k.a * tanhJet * powerJet(Jet3.variable(u)) * logJet(Jet3.variable(u))
    }

    /// The positive φ: a·σ(b·x + h)·P(s(x))·L(s(x)).
    func positive(_ x: Double) -> Jet3 {
        let k = coefficients
        // σ(y): σ' = σ(1 − σ), σ'' = σ'(1 − 2σ), σ''' = σ'(1 − 6σ + 6σ²).
        func sigmoidDerivatives(_ y: Double) -> (Double, Double, Double, Double) {
            let s = Activation.logistic(y)
            let d1 = s * (1 - s)
            return (s, d1, d1 * (1 - 2 * s), d1 * (1 - 6 * s + 6 * s * s))
        }
        let g = sigmoidDerivatives(k.b * x + k.h)
        let gate = Jet3(g.0, k.b * g.1, k.b * k.b * g.2, k.b * k.b * k.b * g.3)
        // s = softplus: s' = σ(x), s'' = σ'(x), s''' = σ''(x).
        let e = sigmoidDerivatives(x)
        let softplus = Jet3(Activation.softplus(x), e.0, e.1, e.2)
        return k.a * gate * powerJet(softplus) * logJet(softplus)
    }

    /// P(v) = (v + c)^α + d composed with the jet of v (v + c > 0: c > 0 in every table row).
    func powerJet(_ v: Jet3) -> Jet3 {
        let (c, d, alpha) = (coefficients.c, coefficients.d, alpha)
        let w = v.value + c
        let p = Double.pow(w, alpha)
        return Jet3.compose(
            outer: (
                p + d, alpha * p / w, alpha * (alpha - 1) * p / (w * w),
                alpha * (alpha - 1) * (alpha - 2) * p / (w * w * w)
            ),
            inner: v)
    }

    /// L(v) = ln(v + f) + g composed with the jet of v (v + f > 0: f > 0 in every table row).
    func logJet(_ v: Jet3) -> Jet3 {
        let w = v.value + coefficients.f
        return Jet3.compose(outer: (Double.log(w) + coefficients.g, 1 / w, -1 / (w * w), 2 / (w * w * w)), inner: v)
    }
}

/// A function's value and first three derivatives at one point: (f, f', f'', f''').
struct Jet3 {
    var value, first, second, third: Double

    init(_ value: Double, _ first: Double, _ second: Double, _ third: Double) {
        (self.value, self.first, self.second, self.third) = (value, first, second, third)
    }

    /// The identity function at x.
    static func variable(_ x: Double) -> Jet3 { Jet3(x, 1, 0, 0) }

    /// Leibniz: (fg)'' = f''g + 2f'g' + fg'', (fg)''' = f'''g + 3f''g' + 3f'g'' + fg'''.
    static func * (f: Jet3, g: Jet3) -> Jet3 {
        Jet3(
            f.value * g.value, f.first * g.value + f.value * g.first,
            f.second * g.value + 2 * f.first * g.first + f.value * g.second,
            f.third * g.value + 3 * f.second * g.first + 3 * f.first * g.second + f.value * g.third)
    }

    static func * (k: Double, g: Jet3) -> Jet3 { Jet3(k * g.value, k * g.first, k * g.second, k * g.third) }

    /// Faà di Bruno for h = p∘v, given p's derivatives at v(x):
    /// h' = p'v', h'' = p''v'² + p'v'', h''' = p'''v'³ + 3p''v'v'' + p'v'''.
    static func compose(outer p: (Double, Double, Double, Double), inner v: Jet3) -> Jet3 {
        Jet3(
            p.0, p.1 * v.first, p.2 * v.first * v.first + p.1 * v.second,
            p.3 * v.first * v.first * v.first + 3 * p.2 * v.first * v.second + p.1 * v.third)
    }
}

extension WeibullPair {
    typealias Row = (theta: Double, coefficients: Coefficients)

    /// Odd φ: (θ, a, b, c, d, f, g), methods.md section 1.2.
    static let oddTable: [Row] = [
        (2.05, 1.482533833, 2.024871434, 1.502878696, -0.02420123629, 3.326596103, -0.6329325439),
        (2.10, 1.759773243, 1.960367214, 1.479157495, -0.2493864582, 3.103837723, -0.5243502124),
        (2.20, 1.881123712, 1.852753917, 1.887309586, -0.5237767967, 2.399710844, -0.06455150456),
        (2.50, 1.215333617, 1.660156995, 2.416415428, -0.5042092324, 1.813578662, 0.3394836439),
        (3.00, 0.8238268964, 1.46082118, 1.62925353, -0.3248599412, 1.892816124, 0.4662723985),
        (4.00, 0.5555693903, 1.276247806, 1.413606248, -0.2378088668, 1.921138533, 0.7918393448),
        (5.00, 0.4564951795, 1.102612095, 1.443750623, 0.08571542785, 2.27510387, 0.5527079432),
        (6.00, 0.4084780852, 1.016195026, 1.570646914, 0.175190182, 2.517804141, 0.4861593167),
        (7.00, 0.3769375165, 0.9663057382, 1.667303443, 0.2217453068, 2.680907369, 0.4562711308),
        (8.00, 0.353826247, 0.9286261166, 1.745416876, 0.2713863635, 2.824926588, 0.4249185816),
        (9.00, 0.3360684805, 0.8981540526, 1.812629937, 0.3188068951, 2.954222981, 0.3969930678),
        (10.00, 0.3236354964, 0.8853640646, 1.825766304, 0.3647518962, 3.009681783, 0.3811538758),
    ].map { ($0.0, Coefficients(a: $0.1, b: $0.2, h: 0, c: $0.3, d: $0.4, f: $0.5, g: $0.6)) }

    /// Positive φ: (θ, a, b, h, c, d, f, g), methods.md section 1.2.
    static let positiveTable: [Row] = [
        (2.05, 1.376518241, 2.431069103, 1.735028152, 1.322013975, -0.01114418941, 3.044536995, -0.4828190277),
        (2.50, 1.235881153, 2.089853286, 1.044741133, 1.907242687, -0.5421277382, 2.360648426, 0.3934923796),
        (3.00, 0.8533310124, 1.950387736, 0.7508269663, 1.968766009, -0.4322970822, 2.325966856, 0.4750775891),
        (4.00, 0.5646648336, 1.814247419, 0.4953577142, 1.712126167, -0.1115098203, 2.162566321, 0.5622706714),
        (5.00, 0.4124021709, 1.716967231, 0.3291736787, 1.53213006, 0.3258579322, 1.890387077, 0.722710352),
        (7.00, 0.3314811143, 1.637055627, 0.2668336063, 1.903688983, 1.053982833, 1.536421336, 0.5037708146),
        (10.00, 0.2807915148, 1.584449808, 0.2893684687, 2.511353984, 1.536778786, 1.32442952, 0.3968828433),
    ].map { ($0.0, Coefficients(a: $0.1, b: $0.2, h: $0.3, c: $0.4, d: $0.5, f: $0.6, g: $0.7)) }
}
