/// The test vectors an export ships in `test_vectors/`: the first `count` rows of a split, normalized and
/// quantized exactly as the model expects, and the integer reference's outputs on them.
///
/// - `inputs.bin`: `count × inputs` int8 values, sample after sample (deploy/mcu/runner.c's format);
///   sample i is `quantize(normalize(raw_i))` with the model's input parameters,
///   `q = clamp(round(x / s_in) + z_in, −128, 127)`.
/// - `expected.bin`: `count × outputs` int8 values, `QuantizedMLP.invoke` of each sample, which the
///   emitted C and TFLite Micro reproduce bit for bit.
public struct TestVectors: Sendable, Equatable {
    /// `(count, inputs)`.
    public let inputs: [[Int8]]
    /// `(count, outputs)`.
    public let expected: [[Int8]]
    /// The split the rows come from (`validation`, `test` or `train`).
    public let split: String

    public init(model: QuantizedMLP, inputs: [[Int8]], split: String) {
        self.inputs = inputs
        self.expected = model.invoke(batch: inputs)
        self.split = split
    }

    /// The bytes of `inputs.bin`.
    public var inputBytes: [UInt8] { inputs.flatMap { $0.map { UInt8(bitPattern: $0) } } }
    /// The bytes of `expected.bin`.
    public var expectedBytes: [UInt8] { expected.flatMap { $0.map { UInt8(bitPattern: $0) } } }
}

/// How the network's float inputs were computed from the raw features in training: the device applies it
/// before quantizing. The same cases as `Datasets.Normalization`, as plain numbers (Export does not import
/// Datasets); every formula is evaluated in `double` and the result rounded to `float`, as in training.
public enum InputNormalization: Sendable, Equatable {
    /// `x = r`.
    case none
    /// `x = f·r`.
    case scale(Double)
    /// `x_j = (r_j − mean_j) / std_j`.
    case standardize(mean: [Double], std: [Double])
    /// `x = r·√(n/‖r‖²)` (unchanged when `r = 0`).
    case unitNorm
}
