import Foundation
import TensorBoard
import Testing

/// The exponential bucket layout against its closed form, the binary search against a linear scan, and the
/// collapsed encoding against the full counts.
@Suite struct HistogramTests {
    /// ℓ_k = 10⁻¹²·1.1ᵏ below 10²⁰ gives k = 0...773 (773 = ⌊32 ln 10 / ln 1.1⌋), mirrored, with 0 and the
    /// largest double: 1 550 limits, increasing.
    @Test func limits() {
        let limits = Histogram.limits
        let positive = Int((32 * log(10.0) / log(1.1)).rounded(.down)) + 1
        #expect(limits.count == 2 * positive + 2)
        #expect(zip(limits, limits.dropFirst()).allSatisfy { $0 < $1 })
        #expect(limits[positive] == 0)
        #expect(limits[positive + 1] == 1e-12)
        #expect(limits.last == Double.greatestFiniteMagnitude)
        for k in [0, 1, 100, positive - 1] {
            let expected = 1e-12 * pow(1.1, Double(k))
            #expect(abs(limits[positive + 1 + k] - expected) <= 1e-12 * expected, "k = \(k)")
            #expect(limits[positive - 1 - k] == -limits[positive + 1 + k])
        }
    }

    /// Bucket i holds ℓ_{i−1} ≤ x < ℓ_i: the binary search agrees with a linear scan on normal samples at
    /// several scales, on every limit itself, and just below each.
    @Test func bucketSearchEqualsScan() {
        var random = SplitMix64(seed: 5)
        var values = (0..<2000).map { index in random.normal() * pow(10, Double(index % 30 - 15)) }
        values += Histogram.limits + Histogram.limits.map { $0.nextDown } + [0, -0.0, 1e-300, -1e-300]
        for value in values {
            #expect(Histogram.bucket(of: value) == Histogram.bucketByScan(of: value), "\(value)")
        }
    }

    /// The moments and counts equal direct sums; the encoded buckets carry every count at its own limit, and
    /// each run of empty buckets as one empty bucket ending where the run ends.
    @Test func countsAndEncoding() {
        var random = SplitMix64(seed: 9)
        let values = (0..<5000).map { _ in random.normal() * 0.1 } + [.nan, .infinity]
        let histogram = Histogram(values)
        let finite = values.filter(\.isFinite)
        #expect(histogram.count == finite.count)
        #expect(histogram.minimum == finite.min())
        #expect(histogram.maximum == finite.max())
        #expect(abs(histogram.sum - finite.reduce(0, +)) <= 1e-12 * Double(finite.count))
        #expect(abs(histogram.sumOfSquares - finite.map { $0 * $0 }.reduce(0, +)) <= 1e-12 * Double(finite.count))

        var naive = [Double](repeating: 0, count: Histogram.limits.count)
        for value in finite { naive[Histogram.bucketByScan(of: value)] += 1 }
        #expect(histogram.bucketCounts == naive)

        let (limits, counts) = histogram.encodedBuckets
        #expect(counts.reduce(0, +) == Double(finite.count))
        #expect(limits.last == Histogram.limits.last)
        for (limit, count) in zip(limits, counts) where count > 0 {
            #expect(naive[Histogram.limits.firstIndex(of: limit)!] == count)
        }
        // No two empty buckets in a row, and every occupied bucket of the full layout is present.
        #expect(!zip(counts, counts.dropFirst()).contains { $0 == 0 && $1 == 0 })
        #expect(counts.filter { $0 > 0 }.count == naive.filter { $0 > 0 }.count)
    }
}
