/// Every Gaussianity statistic Partita reports for one sample of pre-activations.
///
/// The moments may come from a larger sample than the tests (during training they are all-reduced over the
/// whole probe batch, the tests run on a gathered subsample): `count` is the size the moments describe,
/// `testedCount` the size of the sample the tests ran on.
public struct GaussianityStatistics: Sendable, Equatable {
    public let moments: Moments
    public let testedCount: Int
    /// KS distance to N(x̄, s²) fitted on the tested sample, with its (conservative) Kolmogorov p-value.
    public let ksFitted: Double
    public let ksFittedPValue: Double
    /// KS distance to N(0, 1), with its Kolmogorov p-value.
    public let ksStandard: Double
    public let ksStandardPValue: Double
    public let andersonDarling: AndersonDarling
    /// nil when the tested sample has more than 5000 values (outside Royston's approximation) or is constant.
    public let shapiroWilk: ShapiroWilk?

    /// - Parameters:
    ///   - moments: the moments to report (default: those of `sample`).
    ///   - sample: the values the tests run on, in any order.
    public init(moments: Moments? = nil, sample: [Double]) {
        precondition(sample.count >= 3, "GaussianityStatistics: need at least 3 values, got \(sample.count)")
        let sorted = sample.sorted()
        let own = Moments(sorted)
        self.moments = moments ?? own
        testedCount = sorted.count
        let mean = own.mean
        let deviation = own.variance.squareRoot()
        ksFitted = KolmogorovSmirnov.statistic(sorted: sorted) { StandardNormal.cdf(($0 - mean) / deviation) }
        ksFittedPValue = KolmogorovSmirnov.pValue(statistic: ksFitted, count: sorted.count)
        ksStandard = KolmogorovSmirnov.statistic(sorted: sorted, cdf: StandardNormal.cdf)
        ksStandardPValue = KolmogorovSmirnov.pValue(statistic: ksStandard, count: sorted.count)
        andersonDarling = AndersonDarling(sorted: sorted)
        shapiroWilk = ShapiroWilk(sorted: sorted)
    }

    /// The record fields in the order of `gaussianity.jsonl` (docs/run-directory.md), without step and
    /// layer; nil for a value that does not exist (Shapiro–Wilk beyond 5000 values).
    public var fields: [(name: String, value: Double?)] {
        [
            ("n", Double(moments.count)), ("mean", moments.mean), ("variance", moments.variance),
            ("skewness", moments.skewness), ("excess_kurtosis", moments.excessKurtosis),
            ("tested", Double(testedCount)), ("ks_fitted", ksFitted), ("ks_fitted_p", ksFittedPValue),
            ("ks_standard", ksStandard), ("ks_standard_p", ksStandardPValue),
            ("anderson_darling", andersonDarling.statistic), ("anderson_darling_p", andersonDarling.pValue),
            ("shapiro_w", shapiroWilk?.statistic), ("shapiro_p", shapiroWilk?.pValue),
        ]
    }
}
