import Methods
import Networks
import Testing
import Training

@Suite struct GradientBucketsTests {
    /// 784-1024-1024-10 in float32: layer 2 is 41 KB, layer 1 4.2 MB, layer 0 3.2 MB.
    static let layout = MLPArchitecture(sizes: [784, 1024, 1024, 10], activation: .relu).layout

    @Test func bucketsCoverTheGradientOnceInReadyOrder() {
        let buckets = GradientBuckets(layout: Self.layout, scalarBytes: 4, bucketBytes: 4 << 20)
        // Layers 2 and 1 together reach 4 MiB; layer 0 is the last bucket.
        #expect(buckets.buckets.map(\.readyAfterLayer) == [1, 0])
        #expect(buckets.buckets[0].range == (784 * 1024 + 1024)..<Self.layout.count)
        #expect(buckets.buckets[1].range == 0..<(784 * 1024 + 1024))
    }

    @Test func zeroMeansOneBucketAndTinyMeansOnePerLayer() {
        let one = GradientBuckets(layout: Self.layout, scalarBytes: 4, bucketBytes: 0)
        #expect(one.buckets == [.init(range: 0..<Self.layout.count, readyAfterLayer: 0)])
        let perLayer = GradientBuckets(layout: Self.layout, scalarBytes: 4, bucketBytes: 1)
        #expect(perLayer.buckets.map(\.readyAfterLayer) == [2, 1, 0])
        #expect(perLayer.buckets.map(\.range.count).reduce(0, +) == Self.layout.count)
    }
}
