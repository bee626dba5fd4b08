/// A histogram of values in TensorBoard's bucket layout: fixed exponential bucket limits, the same for every
/// tensor and every step, so histograms of different steps line up.
///
/// Limits (as TensorFlow's default histogram): the positive limits are ℓ_k = 10⁻¹² · 1.1ᵏ for k = 0, 1, …
/// while ℓ_k < 10²⁰ (774 of them), mirrored to the negative side, with 0 between and the largest finite
/// double at the end. Bucket i counts the values x with ℓ_{i−1} ≤ x < ℓ_i (bucket 0 everything below ℓ_0).
/// Relative resolution is 10% of |x| away from zero; a value closer to zero than 10⁻¹² shares the bucket
/// next to 0. Non-finite values are left out (`count` is the number of finite values).
///
/// `encodedBuckets` collapses each run of empty buckets into one empty bucket ending where the run ends, as
/// TensorBoard's own writer does: a non-empty bucket keeps its true left edge, and a layer's few hundred
/// occupied buckets cost a few kilobytes instead of 1 549 limits.
public struct Histogram: Sendable, Equatable {
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = -Double.infinity
    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var sumOfSquares = 0.0
    /// Counts per bucket of `Histogram.limits`.
    public private(set) var bucketCounts: [Double]

    /// The bucket limits ℓ_i, increasing.
    public static let limits: [Double] = {
        var positive = [Double]()
        var limit = 1e-12
        while limit < 1e20 {
            positive.append(limit)
            limit *= 1.1
        }
        return positive.reversed().map { -$0 } + [0] + positive + [Double.greatestFiniteMagnitude]
    }()

    /// The histogram of `values`.
    public init(_ values: some Sequence<some BinaryFloatingPoint>) {
        bucketCounts = [Double](repeating: 0, count: Self.limits.count)
        for value in values { add(Double(value)) }
    }

    public mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        count += 1
        sum += value
        sumOfSquares += value * value
        bucketCounts[Self.bucket(of: value)] += 1
    }

    /// The index of the bucket holding `value`: the first i with value < ℓ_i (binary search), the last bucket
    /// for the largest double.
    public static func bucket(of value: Double) -> Int {
        var low = 0
        var high = limits.count - 1
        while low < high {
            let middle = (low + high) / 2
            if value < limits[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The naive reference of `bucket(of:)`: a linear scan.
    public static func bucketByScan(of value: Double) -> Int {
        limits.firstIndex { value < $0 } ?? limits.count - 1
    }

    /// The (limit, count) pairs written to the event file: each run of empty buckets as one empty bucket.
    public var encodedBuckets: (limits: [Double], counts: [Double]) {
        var limits = [Double]()
        var counts = [Double]()
        var index = 0
        while index < bucketCounts.count {
            if bucketCounts[index] > 0 {
                limits.append(Self.limits[index])
                counts.append(bucketCounts[index])
                index += 1
            } else {
                while index + 1 < bucketCounts.count && bucketCounts[index + 1] == 0 { index += 1 }
                limits.append(Self.limits[index])
                counts.append(0)
                index += 1
            }
        }
        return (limits, counts)
    }
}
