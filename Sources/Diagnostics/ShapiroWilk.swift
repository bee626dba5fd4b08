import RealModule

/// The Shapiro–Wilk W test of normality with Royston's approximations of the coefficients and of the
/// null distribution of W (P. Royston, "Approximating the Shapiro-Wilk W-test for non-normality",
/// Statistics and Computing 2, 1992, and "Remark AS R94", Applied Statistics 44, 1995), for 3 ≤ n ≤ 5000.
///
/// Coefficients: with mᵢ = Φ⁻¹((i − 3/8)/(n + 1/4)), m = Σmᵢ² and u = 1/√n, the two outermost are
/// polynomial corrections of cᵢ = mᵢ/√m, the others mᵢ/√ε with ε chosen so that Σaᵢ² = 1.
/// W = (Σ aᵢ·x₍ᵢ₎)²/Σ(xᵢ − x̄)².
/// p-value: for n = 3 exact, 6/π·(asin √W − asin √¾); for 4 ≤ n ≤ 11, −ln(γ − ln(1 − W)) is normal with
/// mean and log-deviation cubic in n; for n ≥ 12, ln(1 − W) is normal with mean cubic and log-deviation
/// quadratic in ln n.
public struct ShapiroWilk: Sendable, Equatable {
    public let statistic: Double
    public let pValue: Double
    public let count: Int

    /// The sizes Royston's approximation covers.
    public static let sizes = 3...5000

    /// W and its p-value for `sorted` (increasing); nil when the size is outside `sizes` or all values are
    /// equal (W is undefined).
    public init?(sorted x: [Double]) {
        let n = x.count
        guard Self.sizes.contains(n), let first = x.first, let last = x.last, last > first else { return nil }
        let a = Self.coefficients(n)
        let moments = Moments(x)
        var numerator = 0.0
        for i in 0..<n { numerator += a[i] * x[i] }
        let w = min(1, numerator * numerator / moments.centralSums.second)
        statistic = w
        pValue = Self.pValue(w, n)
        count = n
    }

    /// a₁ ≤ … ≤ aₙ (antisymmetric: aᵢ = −aₙ₊₁₋ᵢ), normalized to Σaᵢ² = 1, for the increasing order.
    static func coefficients(_ n: Int) -> [Double] {
        var a = [Double](repeating: 0, count: n)
        if n == 3 {
            a[0] = -0.5.squareRoot()
            a[2] = 0.5.squareRoot()
            return a
        }
        // Upper half quantiles mᵢ > 0 (i from the top).
        let half = n / 2
        let m = (0..<half).map { i in -StandardNormal.quantile((Double(i + 1) - 0.375) / (Double(n) + 0.25)) }
        let sumSquares = 2 * m.reduce(0) { $0 + $1 * $1 }
        let root = sumSquares.squareRoot()
        let u = 1 / Double(n).squareRoot()
        let a1 = m[0] / root + polynomial([0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056], u)
        var top = [a1]
        let epsilon: Double
        if n > 5 {
            let a2 = m[1] / root + polynomial([0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633], u)
            top.append(a2)
            epsilon = (sumSquares - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * a1 * a1 - 2 * a2 * a2)
        } else {
            epsilon = (sumSquares - 2 * m[0] * m[0]) / (1 - 2 * a1 * a1)
        }
        let scale = epsilon.squareRoot()
        for i in top.count..<half { top.append(m[i] / scale) }
        for i in 0..<half {
            a[n - 1 - i] = top[i]
            a[i] = -top[i]
        }
        return a
    }

    static func pValue(_ w: Double, _ n: Int) -> Double {
        if n == 3 {
            let p = 6 / Double.pi * (Double.asin(w.squareRoot()) - Double.asin(0.75.squareRoot()))
            return min(1, max(0, p))
        }
        let logOneMinusW = Double.log(1 - w)
        let y: Double
        let mean: Double
        let deviation: Double
        if n <= 11 {
            let size = Double(n)
            let gamma = polynomial([-2.273, 0.459], size)
            if logOneMinusW >= gamma { return 0 }  // beyond the support of the approximation: W tiny
            y = -Double.log(gamma - logOneMinusW)
            mean = polynomial([0.5440, -0.39978, 0.025054, -6.714e-4], size)
            deviation = Double.exp(polynomial([1.3822, -0.77857, 0.062767, -0.0020322], size))
        } else {
            let logSize = Double.log(Double(n))
            y = logOneMinusW
            mean = polynomial([-1.5861, -0.31082, -0.083751, 0.0038915], logSize)
            deviation = Double.exp(polynomial([-0.4803, -0.082676, 0.0030302], logSize))
        }
        return StandardNormal.survival((y - mean) / deviation)
    }

    /// c₀ + c₁x + c₂x² + … (Horner).
    static func polynomial(_ c: [Double], _ x: Double) -> Double {
        c.reversed().reduce(0) { $0 * x + $1 }
    }
}
