import Export
import Networks
import Tensors

/// Small random networks, calibrated on random data, for the tests that compare implementations.
enum RandomModels {
    /// An MLP with Gaussian weights and biases (`Initialization.gaussian` with σ_w = 1.4, i.e. weight
    /// standard deviation 1.4/√fan-in, and σ_b = 0.3) and optionally some weights set to zero.
    static func float(
        sizes: [Int], activation: Activation, seed: UInt64, sparsity: Double = 0
    ) -> MLP<Float> {
        var model = MLP<Float>(
            MLPArchitecture(sizes: sizes, activation: activation), initialization: .gaussian(sigmaW: 1.4, sigmaB: 0.3),
            seed: seed)
        if sparsity > 0 {
            let mask = MagnitudePruning.mask(
                model.parameters, sparsity: sparsity, scope: .layer, layers: Array(0..<(sizes.count - 1)))
            MagnitudePruning.apply(mask, to: &model.parameters)
        }
        return model
    }

    /// `count` input rows `(count, columns)` of independent standard normal values.
    static func inputs(count: Int, columns: Int, seed: UInt64) -> Matrix<Float> {
        var stream = RandomStream(seed: seed, key: .testing.with(index: 7))
        return Matrix(
            rows: count, columns: columns, storage: (0..<(count * columns)).map { _ in Float(stream.normal()) })
    }

    /// The model quantized with ranges calibrated on 256 random inputs.
    static func quantized(
        sizes: [Int], activation: Activation, seed: UInt64, granularity: WeightGranularity = .perChannel,
        rounding: Rounding = .double, sparsity: Double = 0
    ) throws -> QuantizedMLP {
        let model = float(sizes: sizes, activation: activation, seed: seed, sparsity: sparsity)
        let ranges = CalibrationRanges.measure(model: model, inputs: inputs(count: 256, columns: sizes[0], seed: seed))
        return try Quantizer.quantize(model, ranges: ranges, granularity: granularity, rounding: rounding)
    }

    /// `count` int8 samples of `columns` values, uniform over −128…127.
    static func int8Samples(count: Int, columns: Int, seed: UInt64) -> [[Int8]] {
        var stream = RandomStream(seed: seed, key: .testing.with(index: 8))
        return (0..<count).map { _ in
            (0..<columns).map { _ in Int8(truncatingIfNeeded: stream.integer(below: 256) - 128) }
        }
    }
}
