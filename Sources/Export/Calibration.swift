public import Networks
public import Tensors

/// The observed range of one float tensor over the calibration samples.
public struct TensorRange: Sendable, Equatable, Codable {
    public var min: Float
    public var max: Float

    public init(min: Float, max: Float) {
        self.min = min
        self.max = max
    }
}

/// The ranges of every tensor the int8 model quantizes, measured by running the float model on calibration
/// samples: the input, and per layer the pre-activation `Z_l` and the activation `φ(Z_l)` (for the linear
/// output layer the two are the same).
///
/// With `percentile` p < 100 each range is `[P_{100−p}, P_p]` (nearest-rank percentiles over every element
/// of the tensor on every sample) instead of `[min, max]`, which ignores rare outliers at the price of
/// clipping them.
public struct CalibrationRanges: Sendable, Equatable {
    public var input: TensorRange
    /// `(L)`.
    public var preactivations: [TensorRange]
    /// `(L)`; the last equals the last pre-activation.
    public var activations: [TensorRange]

    /// Runs `model` on `inputs (samples, inputs)` in chunks of 256 rows (each one GEMM per layer).
    public static func measure(model: MLP<Float>, inputs: Matrix<Float>, percentile: Double = 100)
        -> CalibrationRanges
    {
        let chunk = 256
        precondition(inputs.rows > 0, "CalibrationRanges: no calibration samples")
        precondition(
            percentile > 50 && percentile <= 100, "CalibrationRanges: percentile \(percentile) not in (50, 100]")
        let layerCount = model.architecture.layerCount
        var collectors = (0..<(1 + 2 * layerCount)).map { _ in RangeCollector(keepValues: percentile < 100) }
        var pass = ForwardPass<Float>()
        var start = 0
        while start < inputs.rows {
            let end = min(start + chunk, inputs.rows)
            let rows = Matrix(
                rows: end - start, columns: inputs.columns,
                storage: Array(inputs.storage[(start * inputs.columns)..<(end * inputs.columns)]))
            model.forward(rows, into: &pass)
            collectors[0].observe(rows.storage)
            for l in 0..<layerCount {
                collectors[1 + 2 * l].observe(pass.preactivations[l].storage)
                collectors[2 + 2 * l].observe(l < layerCount - 1 ? pass.activations[l].storage : pass.output.storage)
            }
            start = end
        }
        let ranges = collectors.map { $0.range(percentile: percentile) }
        return CalibrationRanges(
            input: ranges[0], preactivations: (0..<layerCount).map { ranges[1 + 2 * $0] },
            activations: (0..<layerCount).map { ranges[2 + 2 * $0] })
    }
}

/// Running min/max of a tensor, or all its values when percentiles are wanted.
struct RangeCollector {
    let keepValues: Bool
    var low = Float.infinity
    var high = -Float.infinity
    var values = [Float]()

    init(keepValues: Bool) { self.keepValues = keepValues }

    mutating func observe(_ batch: [Float]) {
        for v in batch {
            low = min(low, v)
            high = max(high, v)
        }
        if keepValues { values.append(contentsOf: batch) }
    }

    /// `[min, max]`, or the nearest-rank percentiles `P_{100−p}` and `P_p`: `P_q` is the value of rank
    /// `⌈q/100·n⌉` (1-based) in the sorted values.
    func range(percentile: Double) -> TensorRange {
        guard keepValues, !values.isEmpty else { return TensorRange(min: low, max: high) }
        let sorted = values.sorted()
        let n = Double(sorted.count)
        // ⌈q·n/100⌉, with a little slack so that 99.9% of 4000 is 3996 and not 3997 after rounding errors.
        func rank(_ q: Double) -> Int { min(max(Int((q * n / 100 - 1e-9).rounded(.up)), 1), sorted.count) - 1 }
        return TensorRange(min: sorted[rank(100 - percentile)], max: sorted[rank(percentile)])
    }
}
