import RealModule

/// The Kolmogorov–Smirnov distance of a sample to a continuous law, and its p-value from the Kolmogorov
/// distribution.
public enum KolmogorovSmirnov {
    /// D_n = sup_x |F̂_n(x) − F(x)| for a sample sorted in increasing order:
    /// max over i of max(i/n − F(x₍ᵢ₎), F(x₍ᵢ₎) − (i − 1)/n).
    public static func statistic(sorted sample: [Double], cdf: (Double) -> Double) -> Double {
        let n = Double(sample.count)
        var distance = 0.0
        for (index, x) in sample.enumerated() {
            let f = cdf(x)
            distance = max(distance, Double(index + 1) / n - f, f - Double(index) / n)
        }
        return distance
    }

    /// P(K > λ) for K with the Kolmogorov distribution (the limit law of √n·D_n):
    /// 2·Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²} for λ ≥ 1, and 1 − (√(2π)/λ)·Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)} below,
    /// where that series converges fast. Both are summed until the terms vanish.
    public static func kolmogorovSurvival(_ lambda: Double) -> Double {
        if lambda <= 0 { return 1 }
        if lambda < 1 {
            var sum = 0.0
            var k = 1.0
            while true {
                let term = Double.exp(-(2 * k - 1) * (2 * k - 1) * Double.pi * Double.pi / (8 * lambda * lambda))
                sum += term
                if term < 1e-17 * sum || term == 0 { break }
                k += 1
            }
            return 1 - (2 * Double.pi).squareRoot() / lambda * sum
        }
        var sum = 0.0
        var k = 1.0
        var sign = 1.0
        while true {
            let term = Double.exp(-2 * k * k * lambda * lambda)
            sum += sign * term
            if term < 1e-17 { break }
            sign = -sign
            k += 1
        }
        return min(1, max(0, 2 * sum))
    }

    /// The p-value of D_n for a sample of n from a fully specified law:
    /// Q_K((√n + 0.12 + 0.11/√n)·D_n), Stephens' (1970) finite-n correction of the Kolmogorov limit law,
    /// within about 1% of the exact distribution for n ≥ 5 in the range of p-values that matter.
    ///
    /// When the law's parameters were estimated from the same sample (the fitted normal), this p-value is
    /// conservative (too large): that is Lilliefors' problem; use Anderson–Darling or Shapiro–Wilk then.
    public static func pValue(statistic d: Double, count n: Int) -> Double {
        let root = Double(n).squareRoot()
        return kolmogorovSurvival((root + 0.12 + 0.11 / root) * d)
    }
}
