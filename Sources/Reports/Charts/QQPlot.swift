import Foundation

/// Normal QQ-plots: the sorted, standardized samples against the quantiles of N(0, 1) at the same
/// probabilities. Gaussian samples fall on the line y = x; heavy tails bend away from it at both ends,
/// skew bends the ends the same way.
public enum QQPlot {
    /// The plotted pairs: `theoretical[i] = Φ⁻¹((i − ½)/n)` (Hazen plotting positions) and `sample[i]` the i-th
    /// smallest of `(x − mean)/sd` (sd with n − 1). Beyond `maxPoints` an evenly spaced subset of the order
    /// statistics is kept, always including both extremes (the tails are what a QQ-plot is read for).
    /// Non-finite samples are dropped.
    public static func points(_ samples: [Double], maxPoints: Int = 500) -> (theoretical: [Double], sample: [Double]) {
        let sorted = samples.filter(\.isFinite).sorted()
        let n = sorted.count
        guard n > 0 else { return ([], []) }
        let mean = sorted.reduce(0, +) / Double(n)
        let variance = n > 1 ? sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : 0
        let sd = variance.squareRoot()
        let indices: [Int] =
            n <= maxPoints
            ? Array(0..<n)
            : (0..<maxPoints).map { Int((Double($0) * Double(n - 1) / Double(maxPoints - 1)).rounded()) }
        let theoretical = indices.map { NormalDistribution.quantile((Double($0) + 0.5) / Double(n)) }
        let sample = indices.map { sd > 0 ? (sorted[$0] - mean) / sd : 0 }
        return (theoretical, sample)
    }

    /// A panel with the samples as points and the reference line y = x (dashed, gray).
    public static func panel(title: String, samples: [Double], maxPoints: Int = 500) -> Panel {
        let (theoretical, sample) = points(samples, maxPoints: maxPoints)
        let extent = max(theoretical.map(abs).max() ?? 3, 1)
        return Panel(
            title: title,
            series: [
                Series(name: "samples", x: theoretical, y: sample, style: .points),
                Series(
                    name: "y = x (Gaussian)", x: [-extent, extent], y: [-extent, extent], dashed: true, color: "#888"),
            ])
    }
}

/// The standard normal distribution's quantile function.
/// (Diagnostics' `StandardNormal.quantile` is the same; Reports depends on Cluster only, so it has its own.)
public enum NormalDistribution {
    /// Φ⁻¹(p) for 0 < p < 1 (−∞ and ∞ at 0 and 1, NaN outside): Wichura's algorithm AS 241 (PPND16, Applied
    /// Statistics 37, 1988), accurate to about 1e-16 relative.
    public static func quantile(_ p: Double) -> Double {
        guard p > 0 && p < 1 else {
            if p == 0 { return -.infinity }
            if p == 1 { return .infinity }
            return .nan
        }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * polynomial(r, a) / polynomial(r, b)
        }
        var r = (-log(q < 0 ? p : 1 - p)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            value = polynomial(r, c) / polynomial(r, d)
        } else {
            r -= 5
            value = polynomial(r, e) / polynomial(r, f)
        }
        return q < 0 ? -value : value
    }

    /// `Σ coefficients[k]·xᵏ` by Horner's rule.
    private static func polynomial(_ x: Double, _ coefficients: [Double]) -> Double {
        coefficients.reversed().reduce(0) { $0 * x + $1 }
    }

    private static let a = [
        3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3, 1.3731693765509461125e+4,
        4.5921953931549871457e+4, 6.7265770927008700853e+4, 3.3430575583588128105e+4, 2.5090809287301226727e+3,
    ]
    private static let b = [
        1, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3, 2.1213794301586595867e+4,
        3.9307895800092710610e+4, 2.8729085735721942674e+4, 5.2264952788528545610e+3,
    ]
    private static let c = [
        1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0,
        1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4,
    ]
    private static let d = [
        1, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1, 1.48103976427480074590e-1,
        1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9,
    ]
    private static let e = [
        6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1,
        2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
    ]
    private static let f = [
        1, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2, 7.86869131145613259100e-4,
        1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15,
    ]
}
