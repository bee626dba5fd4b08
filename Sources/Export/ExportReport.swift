import Foundation

/// The contents of `export.json` (docs/run-directory.md): what was exported, what it costs in flash and
/// RAM, how accurate it is, and the settings used. Keys are written in snake case, sorted, so the same
/// export gives the same bytes.
public struct ExportReport: Codable, Sendable, Equatable {
    /// Flash bytes by part. `code` is measured from `model.o` built for Cortex-M4 (nil when
    /// `arm-none-eabi-gcc` is not installed, and then `total` is nil too).
    public struct Flash: Codable, Sendable, Equatable {
        public var weights: Int
        public var biases: Int
        /// int32 multipliers and int8 shifts.
        public var multipliers: Int
        public var lookupTables: Int
        public var code: Int?
        public var total: Int?

        /// Writes unknown sizes as `null` rather than leaving the keys out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(weights, forKey: .weights)
            try container.encode(biases, forKey: .biases)
            try container.encode(multipliers, forKey: .multipliers)
            try container.encode(lookupTables, forKey: .lookupTables)
            try container.encode(code, forKey: .code)
            try container.encode(total, forKey: .total)
        }
    }

    /// RAM bytes: the static arena in `model.c`, the caller's input and output buffers, and their sum.
    public struct RAM: Codable, Sendable, Equatable {
        public var arena: Int
        public var input: Int
        public var output: Int
        public var total: Int
    }

    /// Float and int8 results on one split (the test split when the data has one, else validation).
    public struct Accuracy: Codable, Sendable, Equatable {
        public var split: String
        public var count: Int
        /// Classification accuracy of the float model that was quantized (after any pruning); nil for
        /// regression.
        public var float: Double?
        /// Classification accuracy of the int8 model (the Swift integer reference, equal to the C code).
        public var int8: Double?
        /// Accuracy of the checkpoint's model before pruning and fine-tuning.
        public var floatBeforePruning: Double?
        /// The training loss of the float and the int8 model (int8 outputs dequantized).
        public var lossFloat: Double
        public var lossInt8: Double
        /// The fraction of samples on which the float and int8 models predict the same class.
        public var agreement: Double?

        /// Writes missing accuracies (regression, no pruning) as `null` rather than leaving the keys out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(split, forKey: .split)
            try container.encode(count, forKey: .count)
            try container.encode(float, forKey: .float)
            try container.encode(int8, forKey: .int8)
            try container.encode(floatBeforePruning, forKey: .floatBeforePruning)
            try container.encode(lossFloat, forKey: .lossFloat)
            try container.encode(lossInt8, forKey: .lossInt8)
            try container.encode(agreement, forKey: .agreement)
        }

        public init(
            split: String, count: Int, float: Double?, int8: Double?, floatBeforePruning: Double?, lossFloat: Double,
            lossInt8: Double, agreement: Double?
        ) {
            self.split = split
            self.count = count
            self.float = float
            self.int8 = int8
            self.floatBeforePruning = floatBeforePruning
            self.lossFloat = lossFloat
            self.lossInt8 = lossInt8
            self.agreement = agreement
        }
    }

    /// One layer's weight matrix: its shape and how many of its weights are exactly zero.
    public struct LayerSparsity: Codable, Sendable, Equatable {
        public var layer: Int
        public var outputs: Int
        public var inputs: Int
        public var zeros: Int
        public var sparsity: Double
    }

    /// An int8 tensor's parameters: `real = scale·(q − zero_point)`.
    public struct TensorParameters: Codable, Sendable, Equatable {
        public var scale: Float
        public var zeroPoint: Int32
    }

    /// One layer's int8 arithmetic as the C code and the `.tflite` file run it (see `QuantizedDenseLayer`):
    /// every scale, zero point, requantization multiplier `M` (Q0.31) and shift, and the clamp.
    public struct LayerParameters: Codable, Sendable, Equatable {
        public var layer: Int
        public var kind: String
        public var inputs: Int
        public var outputs: Int
        public var activation: String
        public var input: TensorParameters
        /// The fully connected result (before a table, if any).
        public var output: TensorParameters
        /// What the layer hands on: `output`, or the table's output.
        public var result: TensorParameters
        /// One per output channel, or one for the layer; the bias scales are `input.scale·weight_scales[o]`.
        public var weightScales: [Float]
        public var multipliers: [Int32]
        public var shifts: [Int32]
        /// `[act_min, act_max]`.
        public var clamp: [Int32]
        public var lookupTable: Bool
    }

    /// Where the test vectors came from: the first `count` rows of `split`, quantized as the model expects.
    public struct TestVectorsInfo: Codable, Sendable, Equatable {
        public var split: String
        public var count: Int
        public var inputs: String
        public var expected: String

        public init(split: String, count: Int) {
            self.split = split
            self.count = count
            inputs = "test_vectors/inputs.bin"
            expected = "test_vectors/expected.bin"
        }
    }

    public var format = "partita-export"
    public var formatVersion = 2
    /// `[inputs, hidden…, outputs]` of the exported model, and of the checkpoint's.
    public var sizes: [Int]
    public var originalSizes: [Int]
    public var activation: String
    public var macs: Int
    public var flashBytes: Flash
    public var ramBytes: RAM
    public var accuracy: Accuracy
    public var sparsity: [LayerSparsity]
    public var input: TensorParameters
    public var output: TensorParameters
    /// How the network's float inputs were normalized in training (`standardize`, `scale`, ...): the
    /// device must apply it before `<prefix>_quantize_input`.
    public var inputNormalization: [String: [Double]]
    public var settings: [String: String]
    /// Every layer's quantization parameters.
    public var layers: [LayerParameters]
    /// How a class is read off the int8 outputs (the accuracies above use this rule).
    public var argmaxTieRule = ExportReport.argmaxTieRule
    public var testVectors: TestVectorsInfo?
    /// The files written besides export.json.
    public var files: [String]

    public static let argmaxTieRule =
        "the class is the index of the largest int8 output; among equal largest outputs, the lowest index"

    public init(
        model: QuantizedMLP, originalSizes: [Int], footprint: MemoryFootprint, code: Int?, accuracy: Accuracy,
        inputNormalization: [String: [Double]], settings: [String: String], testVectors: TestVectorsInfo? = nil,
        files: [String] = ["model.h", "model.c"]
    ) {
        sizes = model.sizes
        self.originalSizes = originalSizes
        activation = model.hiddenActivationName
        macs = model.multiplyAccumulates
        flashBytes = Flash(
            weights: footprint.weights, biases: footprint.biases, multipliers: footprint.multipliers,
            lookupTables: footprint.lookupTables, code: code, total: code.map { $0 + footprint.constants })
        ramBytes = RAM(
            arena: footprint.arena, input: footprint.input, output: footprint.output,
            total: footprint.arena + footprint.input + footprint.output)
        self.accuracy = accuracy
        sparsity = model.layers.enumerated().map { l, layer in
            LayerSparsity(
                layer: l, outputs: layer.outputs, inputs: layer.inputs, zeros: layer.zeroCount,
                sparsity: layer.sparsity)
        }
        input = TensorParameters(scale: model.input.scale, zeroPoint: model.input.zeroPoint)
        output = TensorParameters(scale: model.output.scale, zeroPoint: model.output.zeroPoint)
        self.inputNormalization = inputNormalization
        self.settings = settings
        layers = model.layers.enumerated().map { l, layer in
            LayerParameters(
                layer: l, kind: "fully_connected", inputs: layer.inputs, outputs: layer.outputs,
                activation: layer.activation.name,
                input: TensorParameters(scale: layer.input.scale, zeroPoint: layer.input.zeroPoint),
                output: TensorParameters(scale: layer.output.scale, zeroPoint: layer.output.zeroPoint),
                result: TensorParameters(scale: layer.result.scale, zeroPoint: layer.result.zeroPoint),
                weightScales: layer.weights.scales, multipliers: layer.multipliers.map(\.multiplier),
                shifts: layer.multipliers.map(\.shift), clamp: [layer.clamp.lowerBound, layer.clamp.upperBound],
                lookupTable: layer.lookupTable != nil)
        }
        self.testVectors = testVectors
        self.files = files
    }

    /// The JSON text: sorted snake-case keys, pretty-printed, a final newline. Non-finite numbers (a loss
    /// that overflowed) are written as the strings `"inf"`, `"-inf"` and `"nan"`.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Encoding plain structs of numbers and strings cannot fail.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads `export.json` back.
    public static func decode(_ text: String) throws -> ExportReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(ExportReport.self, from: Data(text.utf8))
    }
}
