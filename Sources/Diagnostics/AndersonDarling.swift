import RealModule

/// The Anderson–Darling statistic of a sample against the normal law with its mean and variance estimated
/// from the sample ("case 3" in Stephens' tables).
///
/// A² = −n − (1/n)·Σᵢ (2i − 1)·[ln Φ(yᵢ) + ln(1 − Φ(y₍ₙ₊₁₋ᵢ₎))], with y the sorted standardized sample
/// (x − x̄)/s, s² the unbiased variance (as scipy.stats.anderson).
public struct AndersonDarling: Sendable, Equatable {
    public let statistic: Double
    public let count: Int

    /// A² of `sorted` (increasing), standardized with its own mean and unbiased standard deviation.
    public init(sorted sample: [Double]) {
        let moments = Moments(sample)
        let s = moments.variance.squareRoot()
        let n = sample.count
        var sum = 0.0
        for i in 0..<n {
            let lower = (sample[i] - moments.mean) / s
            let upper = (sample[n - 1 - i] - moments.mean) / s
            sum +=
                Double(2 * i + 1) * (Double.log(StandardNormal.cdf(lower)) + Double.log(StandardNormal.survival(upper)))
        }
        statistic = -Double(n) - sum / Double(n)
        count = n
    }

    /// The significance levels of `criticalValues`, in percent.
    public static let significanceLevels: [Double] = [15, 10, 5, 2.5, 1]

    /// The critical values of A² at the significance levels above: Stephens' (1974, JASA 69) asymptotic points
    /// for case 3, 0.561, 0.631, 0.752, 0.873, 1.035, divided by 1 + 0.75/n + 2.25/n² (the convention of
    /// scipy.stats.anderson, unrounded). The normal hypothesis is rejected at a level when A² exceeds its value.
    public var criticalValues: [Double] {
        let n = Double(count)
        return [0.561, 0.631, 0.752, 0.873, 1.035].map { $0 / (1 + 0.75 / n + 2.25 / (n * n)) }
    }

    /// A*² = A²·(1 + 0.75/n + 2.25/n²), the small-sample modification of D'Agostino & Stephens (1986,
    /// table 4.7).
    public var modifiedStatistic: Double {
        let n = Double(count)
        return statistic * (1 + 0.75 / n + 2.25 / (n * n))
    }

    /// The p-value from A*² by D'Agostino & Stephens' (1986) piecewise exponential fits (as R's
    /// `nortest::ad.test`); accurate to a few percent of its value.
    public var pValue: Double {
        let a = modifiedStatistic
        if a < 0.2 { return 1 - Double.exp(-13.436 + 101.14 * a - 223.73 * a * a) }
        if a < 0.34 { return 1 - Double.exp(-8.318 + 42.796 * a - 59.938 * a * a) }
        if a < 0.6 { return Double.exp(0.9177 - 4.279 * a - 1.38 * a * a) }
        // The last fit is a parabola in the exponent with its minimum at A*² ≈ 153.5 (p ≈ 10⁻¹⁹⁰); beyond it the
        // formula would rise again, so the p-value is 0 there.
        if a > 153 { return 0 }
        return Double.exp(1.2937 - 5.709 * a + 0.0186 * a * a)
    }
}
