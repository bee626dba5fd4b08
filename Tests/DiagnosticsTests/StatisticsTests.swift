import Diagnostics
import Foundation
import Tensors
import TestSupport
import Testing

/// The statistics against closed forms, published values and scipy 1.17.1 (an independent implementation:
/// `scipy.stats.shapiro` is Royston's swilk, `anderson`, `kstest`, `scipy.special.kolmogorov`, `ndtri`),
/// all in Double.
@Suite struct StatisticsTests {
    /// Deterministic samples that Python rebuilds exactly (numpy's sin/exp/ndtri agree with glibc's to an
    /// ulp or two), so the scipy values below refer to the same numbers.
    static func skewedSample(_ n: Int) -> [Double] { (1...n).map { exp(sin(1.7 * Double($0))) } }
    static func oscillatingSample(_ n: Int) -> [Double] {
        (1...n).map { (i: Int) -> Double in
            let square = Double(i * i)
            return sin(square * 0.37) + 0.1 * Double(i) / Double(n)
        }
    }
    static func nearNormalSample(_ n: Int) -> [Double] {
        (1...n).map { StandardNormal.quantile((Double($0) - 0.5) / Double(n)) + 0.3 * sin(Double($0) * 1.3) }
    }
    /// Shapiro & Wilk (1965), section 7: the weights in pounds of 11 men; the paper reports W = 0.79
    /// (exact coefficients), rejecting normality at 1%.
    static let elevenMen: [Double] = [148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236]

    @Test func momentsOfASmallSampleByHand() {
        // x̄ = 5; Σd² = 32, Σd³ = 42, Σd⁴ = 356: s² = 32/7, g₁ = (42/8)/(32/8)^{3/2} = 0.65625,
        // g₂ = (356/8)/(32/8)² − 3 = −0.21875.
        let m = Moments([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(m.count == 8 && m.mean == 5)
        #expect(abs(m.variance - 32.0 / 7) < 1e-14)
        #expect(abs(m.skewness - 0.65625) < 1e-14)
        #expect(abs(m.excessKurtosis - -0.21875) < 1e-14)
    }

    /// Shares combined through (count, Σx) then central sums about the common mean equal the whole sample.
    @Test func momentsCombineFromShares() {
        let sample = Self.skewedSample(1001)
        let whole = Moments(sample)
        let shares = [Array(sample[0..<300]), Array(sample[300..<301]), Array(sample[301...])]
        let totals = shares.map { Moments.countAndSum($0) }.reduce((0, 0.0)) { ($0.0 + $1.count, $0.1 + $1.sum) }
        let mean = totals.1 / Double(totals.0)
        var sums = Moments.CentralSums(second: 0, third: 0, fourth: 0)
        for share in shares {
            let part = Moments.centralSums(share, about: mean)
            sums.second += part.second
            sums.third += part.third
            sums.fourth += part.fourth
        }
        let combined = Moments(count: totals.0, mean: mean, centralSums: sums)
        #expect(combined.count == whole.count)
        #expect(Tolerance.relativeError(combined.mean, whole.mean) < 1e-13)
        #expect(Tolerance.relativeError(combined.variance, whole.variance) < 1e-13)
        #expect(Tolerance.relativeError(combined.skewness, whole.skewness) < 1e-12)
        #expect(Tolerance.relativeError(combined.excessKurtosis, whole.excessKurtosis) < 1e-12)
    }

    /// Seeded samples of n = 200 000 against the laws' closed forms. Tolerances are about 4 standard errors
    /// of each estimator at this n: mean √(σ²/n); variance σ²·√((κ − 1)/n); skewness and kurtosis the
    /// standard errors √(6/n), √(24/n) for the normal, and, for the exponential and uniform, values measured
    /// over 200 seeds in numpy (exponential: sd 0.019 for g₁ and 0.20 for g₂; uniform: 0.0032 and 0.0028).
    @Test func momentsOfSeededSamplesMatchTheirLaws() {
        let n = 200_000
        var stream = RandomStream(seed: 11, key: .testing.with(index: 1))
        let normal = Moments((0..<n).map { _ in stream.normal() })
        #expect(abs(normal.mean) < 4 * (1 / Double(n)).squareRoot())
        #expect(abs(normal.variance - 1) < 4 * (2 / Double(n)).squareRoot())
        #expect(abs(normal.skewness) < 4 * (6 / Double(n)).squareRoot())
        #expect(abs(normal.excessKurtosis) < 4 * (24 / Double(n)).squareRoot())

        let exponential = Moments((0..<n).map { _ in -log(stream.uniformOpen()) })  // mean 1, var 1, g₁ 2, g₂ 6
        #expect(abs(exponential.mean - 1) < 4 * (1 / Double(n)).squareRoot())
        #expect(abs(exponential.variance - 1) < 4 * (8 / Double(n)).squareRoot())
        #expect(abs(exponential.skewness - 2) < 0.08)
        #expect(abs(exponential.excessKurtosis - 6) < 0.8)

        let uniform = Moments((0..<n).map { _ in stream.uniform() })  // mean ½, var 1/12, g₁ 0, g₂ −6/5
        #expect(abs(uniform.mean - 0.5) < 4 * (1 / 12 / Double(n)).squareRoot())
        #expect(abs(uniform.variance - 1.0 / 12) < 4 / 12 * (0.8 / Double(n)).squareRoot())
        #expect(abs(uniform.skewness) < 0.013)
        #expect(abs(uniform.excessKurtosis + 1.2) < 0.011)
    }

    @Test func normalQuantileMatchesScipy() {
        let cases: [(Double, Double)] = [
            (1e-300, -37.0470962993612), (1e-10, -6.361340902404056), (0.001, -3.090232306167813),
            (0.02425, -1.972961051311885), (0.3, -0.5244005127080409), (0.5, 0), (0.9, 1.2815515655446004),
            (0.999999, 4.753424308817087),
        ]
        for (p, expected) in cases {
            let x = StandardNormal.quantile(p)
            #expect(abs(x - expected) <= 1e-13 * max(1, abs(expected)), "Φ⁻¹(\(p)) = \(x), scipy \(expected)")
            if p > 1e-200 { #expect(Tolerance.relativeError(StandardNormal.cdf(x), p) < 1e-13) }
        }
    }

    /// scipy.special.kolmogorov(λ) = P(K > λ).
    @Test func kolmogorovDistributionMatchesScipy() {
        let cases: [(Double, Double)] = [
            (0.3, 0.9999906941986655), (0.5, 0.9639452436648751), (0.8, 0.5441424115741981),
            (1.0, 0.26999967167735456), (1.36, 0.049485876755377876), (2.0, 0.0006709252557796953),
        ]
        for (lambda, expected) in cases {
            let q = KolmogorovSmirnov.kolmogorovSurvival(lambda)
            #expect(abs(q - expected) < 1e-13 * max(expected, 1e-3), "Q(\(lambda)) = \(q), scipy \(expected)")
        }
    }

    /// Stephens' corrected p-value against the exact finite-n distribution (scipy.stats.kstwo.sf):
    /// within 3% relative for n from 50 to 2000 and p from 0.015 to 0.66.
    @Test func ksPValueIsCloseToTheExactDistribution() {
        let cases: [(Int, Double, Double)] = [
            (50, 0.1, 0.6623112704658186), (50, 0.2, 0.03143877776953241), (500, 0.04, 0.3902508696049749),
            (500, 0.06, 0.05243463489026223), (2000, 0.02, 0.3953133626892045), (2000, 0.035, 0.014538080722665818),
        ]
        for (n, d, exact) in cases {
            let p = KolmogorovSmirnov.pValue(statistic: d, count: n)
            #expect(Tolerance.relativeError(p, exact) < 0.03, "n \(n), D \(d): \(p) vs exact \(exact)")
        }
    }

    /// Statistic values from scipy 1.17.1 on the deterministic samples: (sample, Shapiro W, its p,
    /// Anderson–Darling A², KS distance to N(0, 1)).
    static let scipyValues: [(String, [Double], Double, Double, Double, Double)] = [
        ("11 men", elevenMen, 0.7888146948631716, 0.006703814061898823, 0.9467718795988862, 1.0),
        ("skewed 3", skewedSample(3), 0.8695101811256711, 0.2941338699647945, 0.33989829644731717, 0.6540243906629237),
        ("skewed 5", skewedSample(5), 0.9516888569917293, 0.7492473129169794, 0.20250419706191192, 0.6540243906629237),
        ("skewed 8", skewedSample(8), 0.8589659828240999, 0.1172566704046325, 0.5157172699920611, 0.6540243906629237),
        (
            "near-normal 12", nearNormalSample(12), 0.9549829167757491, 0.7105390539426671, 0.25401938715603656,
            0.12538442458579768
        ),
        (
            "oscillating 20", oscillatingSample(20), 0.9534059524296872, 0.4217613286702765, 0.27354355168934674,
            0.17028500690198883
        ),
        (
            "near-normal 50", nearNormalSample(50), 0.9921566081657575, 0.9832856878710574, 0.08132898835488334,
            0.03783917289210853
        ),
        (
            "skewed 100", skewedSample(100), 0.8662334815427877, 4.9556660124879426e-08, 4.513373927997492,
            0.6435218823512528
        ),
        (
            "near-normal 500", nearNormalSample(500), 0.999114057155422, 0.9981931246978235, 0.04059385966939999,
            0.014549094714551125
        ),
        (
            "oscillating 2000", oscillatingSample(2000), 0.8976333855973732, 1.4103990663942533e-34, 64.24672358415182,
            0.16044281292724916
        ),
        (
            "near-normal 2000", nearNormalSample(2000), 0.9997118320176798, 0.9968435381728484, 0.013838105112427002,
            0.00778319812337408
        ),
        (
            "oscillating 5000", oscillatingSample(5000), 0.9013315607733896, 5.51518079225087e-49, 153.48715029770574,
            0.1599199965931316
        ),
    ]

    /// W to 1e-6 (scipy's swilk computes the normal quantiles mᵢ with single-precision accuracy, AS 111;
    /// Partita's are exact to double precision), its p-value to 1e-4 relative, A² and the KS distance to 1e-10.
    @Test(arguments: scipyValues.map(\.0))
    func statisticsMatchScipy(_ name: String) throws {
        let (_, sample, w, p, a2, ks) = try #require(Self.scipyValues.first { $0.0 == name })
        let statistics = GaussianityStatistics(sample: sample)
        let shapiro = try #require(statistics.shapiroWilk)
        #expect(abs(shapiro.statistic - w) < 1e-6, "\(name): W \(shapiro.statistic) vs \(w)")
        #expect(Tolerance.relativeError(shapiro.pValue, p) < 1e-4, "\(name): p \(shapiro.pValue) vs \(p)")
        #expect(Tolerance.relativeError(statistics.andersonDarling.statistic, a2) < 1e-10, "\(name): A² vs \(a2)")
        #expect(abs(statistics.ksStandard - ks) < 1e-10, "\(name): KS \(statistics.ksStandard) vs \(ks)")
    }

    /// The 1965 paper's value, W = 0.79 to two decimals, and its conclusion (p < 0.01).
    @Test func shapiroWilkPublishedExample() throws {
        let shapiro = try #require(ShapiroWilk(sorted: Self.elevenMen))
        #expect(abs(shapiro.statistic - 0.79) < 0.005)
        #expect(shapiro.pValue < 0.01)
    }

    /// Critical values as scipy.stats.anderson prints them (rounded to 3 decimals) for n = 11 and 2000, and
    /// the D'Agostino–Stephens p-value against scipy's table interpolation (`method='interpolate'`, a
    /// different route to the same tables): within 10% relative where scipy interpolates (0.01 < p < 0.15).
    @Test func andersonDarlingCriticalValuesAndPValues() {
        let men = AndersonDarling(sorted: Self.elevenMen)
        let expected11 = [0.516, 0.581, 0.692, 0.803, 0.952]
        let expected2000 = [0.561, 0.631, 0.752, 0.873, 1.035]
        for (value, scipy) in zip(men.criticalValues, expected11) { #expect(abs(value - scipy) <= 0.0005) }
        let large = AndersonDarling(sorted: Self.oscillatingSample(2000).sorted())
        for (value, scipy) in zip(large.criticalValues, expected2000) { #expect(abs(value - scipy) <= 0.0005) }
        #expect(Tolerance.relativeError(men.pValue, 0.010526320845749709) < 0.1, "\(men.pValue)")
        let skewed = AndersonDarling(sorted: Self.skewedSample(8).sorted())
        #expect(Tolerance.relativeError(skewed.pValue, 0.13490542742575717) < 0.1, "\(skewed.pValue)")
    }

    /// Normal samples of n = 2000 in 100 seeds: at the 1% level each test rejects about once. More than 5
    /// rejections has probability 0.0005 under a correct test (binomial(100, 0.01)), so the bound fails only
    /// for a broken test. Exponential and uniform samples of the same size are rejected by Shapiro–Wilk,
    /// Anderson–Darling and the KS distance to the fitted normal in every one of 10 seeds (their p-values are
    /// below 10⁻⁶ at this n).
    @Test func normalSamplesPassAndOthersAreRejected() throws {
        var rejections = (shapiro: 0, anderson: 0, ksStandard: 0, ksFitted: 0)
        for seed in 0..<100 {
            var stream = RandomStream(seed: UInt64(seed), key: .testing.with(index: 2))
            let statistics = GaussianityStatistics(sample: (0..<2000).map { _ in stream.normal() })
            if try #require(statistics.shapiroWilk).pValue < 0.01 { rejections.shapiro += 1 }
            if statistics.andersonDarling.statistic > statistics.andersonDarling.criticalValues[4] {
                rejections.anderson += 1
            }
            if statistics.ksStandardPValue < 0.01 { rejections.ksStandard += 1 }
            if statistics.ksFittedPValue < 0.01 { rejections.ksFitted += 1 }
        }
        #expect(rejections.shapiro <= 5 && rejections.anderson <= 5 && rejections.ksStandard <= 5, "\(rejections)")
        #expect(rejections.ksFitted <= 5, "\(rejections)")

        for seed in 0..<10 {
            var stream = RandomStream(seed: UInt64(seed), key: .testing.with(index: 3))
            let samples = [
                ("exponential", (0..<2000).map { _ in -log(stream.uniformOpen()) }),
                ("uniform", (0..<2000).map { _ in stream.uniform() }),
            ]
            for (law, sample) in samples {
                let statistics = GaussianityStatistics(sample: sample)
                #expect(try #require(statistics.shapiroWilk).pValue < 0.01, "\(law) seed \(seed)")
                #expect(statistics.andersonDarling.statistic > statistics.andersonDarling.criticalValues[4])
                #expect(statistics.andersonDarling.pValue < 0.01, "\(law) seed \(seed)")
                #expect(statistics.ksFittedPValue < 0.01, "\(law) seed \(seed): \(statistics.ksFittedPValue)")
            }
        }
    }

    @Test func shapiroWilkOutsideItsRangeIsAbsent() {
        #expect(ShapiroWilk(sorted: [1, 2]) == nil)
        #expect(ShapiroWilk(sorted: [3, 3, 3, 3]) == nil)
        #expect(ShapiroWilk(sorted: (0..<5001).map(Double.init)) == nil)
        #expect(GaussianityStatistics(sample: (0..<6000).map { sin(Double($0)) }).shapiroWilk == nil)
    }
}
