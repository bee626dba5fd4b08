public import Networks

/// How the gradient is cut into buckets for the all-reduce, DDP-style.
///
/// Backward produces gradients from the last layer to the first. Consecutive layers are grouped, starting
/// from the last, until a bucket holds at least `bucketBytes`; each bucket is a contiguous range of the flat
/// gradient (layers are stored in order), and its non-blocking all-reduce starts as soon as backward has
/// finished the bucket's first layer. Every rank computes the same buckets from the same layout, so the
/// collectives are issued in the same order everywhere (the rule that keeps DDP from hanging).
public struct GradientBuckets: Sendable, Equatable {
    /// A range of the flat gradient and the layer whose completion makes it final.
    public struct Bucket: Sendable, Equatable {
        public let range: Range<Int>
        public let readyAfterLayer: Int

        public init(range: Range<Int>, readyAfterLayer: Int) {
            self.range = range
            self.readyAfterLayer = readyAfterLayer
        }
    }

    /// In the order they become ready (last layers first).
    public let buckets: [Bucket]

    /// - Parameter bucketBytes: the smallest bucket in bytes; 0 puts everything in one bucket (one
    ///   all-reduce after backward).
    public init(layout: ParameterLayout, scalarBytes: Int, bucketBytes: Int) {
        var buckets = [Bucket]()
        var end: Int?
        var bytes = 0
        for layer in stride(from: layout.layerCount - 1, through: 0, by: -1) {
            let views = layout.views.filter { $0.layer == layer }
            guard let lower = views.map(\.offset).min(), let upper = views.map({ $0.range.upperBound }).max() else {
                continue
            }
            if end == nil { end = upper }
            bytes += (upper - lower) * scalarBytes
            if bucketBytes > 0 && bytes >= bucketBytes || layer == 0 {
                buckets.append(Bucket(range: lower..<end!, readyAfterLayer: layer))
                end = nil
                bytes = 0
            }
        }
        self.buckets = buckets
    }
}
