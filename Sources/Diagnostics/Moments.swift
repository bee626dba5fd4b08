import RealModule

/// The first four moments of a sample, kept as sums so that shares of a sample held by different processes
/// combine exactly: the count and Σx are added first (giving the mean), then the central sums
/// Σ(x − x̄)², Σ(x − x̄)³, Σ(x − x̄)⁴ about that common mean (the two-pass algorithm, which does not lose
/// precision to cancellation the way raw power sums do).
///
/// Estimators, as in scipy.stats (`describe`, `skew`, `kurtosis` with their defaults):
/// - variance s² = Σ(x − x̄)²/(n − 1), unbiased;
/// - skewness g₁ = m₃/m₂^{3/2} and excess kurtosis g₂ = m₄/m₂² − 3, with m_k = Σ(x − x̄)^k/n
///   (the moment estimators; 0 and 0 for a normal law, 2 and 6 for the exponential, 0 and −1.2 for the uniform).
public struct Moments: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// Σ(x − x̄)^k for k = 2, 3, 4.
    public let centralSums: CentralSums

    public struct CentralSums: Sendable, Equatable {
        public var second: Double
        public var third: Double
        public var fourth: Double

        public init(second: Double, third: Double, fourth: Double) {
            self.second = second
            self.third = third
            self.fourth = fourth
        }

        /// As an array, for an all-reduce.
        public var array: [Double] { [second, third, fourth] }
    }

    public init(count: Int, mean: Double, centralSums: CentralSums) {
        self.count = count
        self.mean = mean
        self.centralSums = centralSums
    }

    /// The moments of a whole sample, by two passes.
    public init(_ sample: some Collection<Double>) {
        let (count, sum) = Self.countAndSum(sample)
        let mean = count > 0 ? sum / Double(count) : .nan
        self.init(count: count, mean: mean, centralSums: Self.centralSums(sample, about: mean))
    }

    /// First pass: n and Σx.
    public static func countAndSum(_ sample: some Collection<Double>) -> (count: Int, sum: Double) {
        var sum = 0.0
        for x in sample { sum += x }
        return (sample.count, sum)
    }

    /// Second pass: Σ(x − mean)^k for k = 2, 3, 4.
    public static func centralSums(_ sample: some Collection<Double>, about mean: Double) -> CentralSums {
        var sums = CentralSums(second: 0, third: 0, fourth: 0)
        for x in sample {
            let d = x - mean
            let d2 = d * d
            sums.second += d2
            sums.third += d2 * d
            sums.fourth += d2 * d2
        }
        return sums
    }

    /// s² = Σ(x − x̄)²/(n − 1).
    public var variance: Double { count > 1 ? centralSums.second / Double(count - 1) : .nan }

    /// g₁ = m₃/m₂^{3/2}.
    public var skewness: Double {
        let n = Double(count)
        let m2 = centralSums.second / n
        return (centralSums.third / n) / Double.pow(m2, 1.5)
    }

    /// g₂ = m₄/m₂² − 3.
    public var excessKurtosis: Double {
        let n = Double(count)
        let m2 = centralSums.second / n
        return (centralSums.fourth / n) / (m2 * m2) - 3
    }
}
