public import RealModule

/// An elementwise activation φ, with its first three derivatives.
///
/// The derivatives are written out by hand because later stages need them: the backward pass uses φ',
/// Hessian-vector products use φ'', and the order-3 Taylor (jet) propagation of the grouped Newton method
/// uses φ'''. Each formula is checked against finite differences in `NetworksTests`.
public enum Activation: Hashable, Sendable {
    /// φ(x) = x.
    case identity
    /// φ(x) = max(x, 0); φ'(0) is taken as 0.
    case relu
    /// φ(x) = tanh x.
    case tanh
    /// φ(x) = x·σ(x) with σ the logistic function (also called swish).
    case silu
    /// φ(x) = x for x > 0, α(eˣ − 1) otherwise.
    case elu(alpha: Double)
    /// φ(x) = x·Φ(x) with Φ the standard normal CDF (the exact, erf-based GELU).
    case gelu
    /// φ(x) = ln(1 + eˣ), computed stably.
    case softplus
    /// φ(x) = σ(x) = 1/(1 + e⁻ˣ).
    case sigmoid
    /// An activation of the Weibull-paired family (odd or positive, one θ of the fitted tables), meant for
    /// symmetric Weibull 𝒲(θ, 1) weights: see `WeibullPair`. Computed in Double whatever the scalar type.
    case weibull(WeibullPair)

    /// The names accepted in configs, in the order of the help text.
    public static let names = [
        "identity", "relu", "tanh", "silu", "elu", "gelu", "softplus", "sigmoid", "weibull-odd", "weibull-positive",
    ]

    /// Parses a config name; `elu` takes α = 1, `weibull-odd` and `weibull-positive` take `weibullTheta`, which
    /// must be a row of the family's table (`WeibullPair.thetas`): nil otherwise.
    public init?(name: String, weibullTheta: Double = 3) {
        switch name {
        case "identity", "linear": self = .identity
        case "relu": self = .relu
        case "tanh": self = .tanh
        case "silu", "swish": self = .silu
        case "elu": self = .elu(alpha: 1)
        case "gelu": self = .gelu
        case "softplus": self = .softplus
        case "sigmoid", "logistic": self = .sigmoid
        case "weibull-odd", "weibull-positive":
            guard let pair = WeibullPair(name == "weibull-odd" ? .odd : .positive, theta: weibullTheta) else {
                return nil
            }
            self = .weibull(pair)
        default: return nil
        }
    }

    /// The config name.
    public var name: String {
        switch self {
        case .identity: "identity"
        case .relu: "relu"
        case .tanh: "tanh"
        case .silu: "silu"
        case .elu: "elu"
        case .gelu: "gelu"
        case .softplus: "softplus"
        case .sigmoid: "sigmoid"
        case .weibull(let pair): pair.name
        }
    }

    /// φ(x).
    public func value<S: Real & BinaryFloatingPoint>(_ x: S) -> S {
        switch self {
        case .identity: return x
        case .relu: return x > 0 ? x : 0
        case .tanh: return S.tanh(x)
        case .silu: return x * Self.logistic(x)
        case .elu(let alpha): return x > 0 ? x : S(alpha) * S.expMinusOne(x)
        case .gelu: return x * Self.normalCDF(x)
        case .softplus: return Self.softplus(x)
        case .sigmoid: return Self.logistic(x)
        case .weibull(let pair): return S(pair.value(Double(x)))
        }
    }

    /// φ'(x).
    public func derivative<S: Real & BinaryFloatingPoint>(_ x: S) -> S {
        switch self {
        case .identity: return 1
        case .relu: return x > 0 ? 1 : 0
        case .tanh:
            let t = S.tanh(x)
            return 1 - t * t
        case .silu:
            let s = Self.logistic(x)
            return s + x * s * (1 - s)
        case .elu(let alpha): return x > 0 ? 1 : S(alpha) * S.exp(x)
        case .gelu: return Self.normalCDF(x) + x * Self.normalPDF(x)
        case .softplus: return Self.logistic(x)
        case .sigmoid:
            let s = Self.logistic(x)
            return s * (1 - s)
        case .weibull(let pair): return S(pair.derivatives(Double(x)).first)
        }
    }

    /// (φ(x), φ'(x), φ''(x), φ'''(x)).
    ///
    /// With s = σ(x), t = tanh x, p = the standard normal density:
    /// - tanh: φ'' = −2t(1 − t²), φ''' = (1 − t²)(6t² − 2)
    /// - sigmoid: φ'' = s(1 − s)(1 − 2s), φ''' = s(1 − s)(1 − 6s + 6s²)
    /// - softplus: φ' = s, then the sigmoid's first two derivatives
    /// - silu: φ'' = 2s(1 − s) + x·s(1 − s)(1 − 2s), φ''' = 3s(1 − s)(1 − 2s) + x·s(1 − s)(1 − 6s + 6s²)
    /// - gelu: φ'' = p(2 − x²), φ''' = p(x³ − 4x)
    /// - elu (x ≤ 0): φ' = φ'' = φ''' = αeˣ
    /// - the Weibull pairs: product and chain rules on Taylor coefficients, see `WeibullPair.derivatives`
    public func derivatives<S: Real & BinaryFloatingPoint>(_ x: S) -> (value: S, first: S, second: S, third: S) {
        switch self {
        case .identity: return (x, 1, 0, 0)
        case .relu: return x > 0 ? (x, 1, 0, 0) : (0, 0, 0, 0)
        case .tanh:
            let t = S.tanh(x)
            let u = 1 - t * t
            return (t, u, -2 * t * u, u * (6 * t * t - 2))
        case .silu:
            let s = Self.logistic(x)
            let d1 = s * (1 - s)
            let d2 = d1 * (1 - 2 * s)
            let d3 = d1 * (1 - 6 * s + 6 * s * s)
            return (x * s, s + x * d1, 2 * d1 + x * d2, 3 * d2 + x * d3)
        case .elu(let alpha):
            if x > 0 { return (x, 1, 0, 0) }
            let e = S(alpha) * S.exp(x)
            return (S(alpha) * S.expMinusOne(x), e, e, e)
        case .gelu:
            let p = Self.normalPDF(x)
            return (x * Self.normalCDF(x), Self.normalCDF(x) + x * p, p * (2 - x * x), p * (x * x * x - 4 * x))
        case .softplus:
            let s = Self.logistic(x)
            let d1 = s * (1 - s)
            return (Self.softplus(x), s, d1, d1 * (1 - 2 * s))
        case .sigmoid:
            let s = Self.logistic(x)
            let d1 = s * (1 - s)
            return (s, d1, d1 * (1 - 2 * s), d1 * (1 - 6 * s + 6 * s * s))
        case .weibull(let pair):
            let d = pair.derivatives(Double(x))
            return (S(d.value), S(d.first), S(d.second), S(d.third))
        }
    }

    // MARK: Helpers, stable for large |x|

    static func logistic<S: Real & BinaryFloatingPoint>(_ x: S) -> S {
        if x >= 0 { return 1 / (1 + S.exp(-x)) }
        let e = S.exp(x)
        return e / (1 + e)
    }

    static func softplus<S: Real & BinaryFloatingPoint>(_ x: S) -> S {
        // ln(1 + eˣ) = max(x, 0) + ln(1 + e^{−|x|}).
        (x > 0 ? x : 0) + S.log(onePlus: S.exp(-abs(x)))
    }

    static func normalCDF<S: Real & BinaryFloatingPoint>(_ x: S) -> S {
        (1 + S.erf(x / S.sqrt(2))) / 2
    }

    static func normalPDF<S: Real & BinaryFloatingPoint>(_ x: S) -> S {
        S.exp(-x * x / 2) / S.sqrt(2 * S.pi)
    }
}
