public import Networks

// Dimension legend for this module:
//   inputs, outputs   features entering and leaving a dense layer; weights are (outputs, inputs), row-major
//   batch             samples evaluated together
//   L                 number of dense layers

/// One int8 fully connected layer in TFLite Micro's form (`FullyConnectedPerChannel`), optionally followed
/// by a 256-entry lookup table for a non-ReLU activation.
///
/// For output channel `o`, with `x` the int8 input `(inputs)`:
///
///     acc  = Σ_d w[o][d]·(x[d] − input.zeroPoint) + bias[o]                      (int32)
///     acc  = MultiplyByQuantizedMultiplier(acc, multipliers[o]) + output.zeroPoint
///     y[o] = clamp(acc, clamp.lowerBound, clamp.upperBound)                       (int8, scale output.scale)
///     y[o] = lookupTable[UInt8(bitPattern: y[o])]   if there is a table           (int8, scale result.scale)
public struct QuantizedDenseLayer: Sendable, Equatable {
    public let inputs: Int
    public let outputs: Int
    /// `(outputs, inputs)`, symmetric, zero point 0.
    public let weights: SymmetricWeights
    /// `(outputs)`, scale `input.scale·weightScale[o]`, zero point 0.
    public let bias: [Int32]
    /// `(outputs)` per channel, `(1)` per tensor.
    public let multipliers: [QuantizedMultiplier]
    /// The parameters of the layer's int8 input.
    public let input: QuantizationParameters
    /// The parameters of the fully connected result (before the lookup table, if any).
    public let output: QuantizationParameters
    /// `act_min...act_max`: `max(−128, output.zeroPoint)...127` for a fused ReLU, `−128...127` otherwise.
    public let clamp: ClosedRange<Int32>
    /// The activation's table, indexed by the int8 pre-activation's bit pattern as an unsigned byte (as
    /// TFLite's `LUTPopulate` indexes it); nil for identity and ReLU.
    public let lookupTable: [Int8]?
    /// The parameters of what the layer hands on: `output` without a table, the table's output otherwise.
    public let result: QuantizationParameters
    /// The float activation this layer stands for.
    public let activation: Activation

    public init(
        inputs: Int, outputs: Int, weights: SymmetricWeights, bias: [Int32], multipliers: [QuantizedMultiplier],
        input: QuantizationParameters, output: QuantizationParameters, clamp: ClosedRange<Int32>,
        lookupTable: [Int8]?, result: QuantizationParameters, activation: Activation
    ) {
        precondition(
            weights.values.count == inputs * outputs, "QuantizedDenseLayer: weights for (\(outputs), \(inputs))")
        precondition(bias.count == outputs, "QuantizedDenseLayer: \(bias.count) biases for \(outputs) outputs")
        precondition(
            multipliers.count == outputs || multipliers.count == 1,
            "QuantizedDenseLayer: \(multipliers.count) multipliers for \(outputs) outputs")
        precondition(lookupTable == nil || lookupTable!.count == 256, "QuantizedDenseLayer: a table has 256 entries")
        self.inputs = inputs
        self.outputs = outputs
        self.weights = weights
        self.bias = bias
        self.multipliers = multipliers
        self.input = input
        self.output = output
        self.clamp = clamp
        self.lookupTable = lookupTable
        self.result = result
        self.activation = activation
    }

    /// The multiplier of output channel `o`.
    public func multiplier(ofChannel o: Int) -> QuantizedMultiplier {
        multipliers.count == 1 ? multipliers[0] : multipliers[o]
    }

    /// Whether weights and multipliers are per channel.
    public var isPerChannel: Bool { multipliers.count == outputs && weights.scales.count == outputs && outputs > 1 }

    /// The number of weights that are exactly zero.
    public var zeroCount: Int { weights.values.lazy.filter { $0 == 0 }.count }

    /// The fraction of weights that are exactly zero, `zeroCount / (outputs·inputs)` (0 for no weights).
    public var sparsity: Double { Double(zeroCount) / Double(max(weights.values.count, 1)) }
}

/// An int8 multilayer perceptron: dense layers whose int8 tensors chain (`layers[l].result` is
/// `layers[l + 1].input`).
public struct QuantizedMLP: Sendable, Equatable {
    public let layers: [QuantizedDenseLayer]
    public let rounding: Rounding
    public let granularity: WeightGranularity

    public init(layers: [QuantizedDenseLayer], rounding: Rounding, granularity: WeightGranularity) {
        precondition(!layers.isEmpty, "QuantizedMLP: no layers")
        for l in 1..<layers.count {
            precondition(
                layers[l].inputs == layers[l - 1].outputs && layers[l].input == layers[l - 1].result,
                "QuantizedMLP: layer \(l) does not take layer \(l - 1)'s output")
        }
        self.layers = layers
        self.rounding = rounding
        self.granularity = granularity
    }

    /// `[inputs, hidden₁, …, outputs]`.
    public var sizes: [Int] { [layers[0].inputs] + layers.map(\.outputs) }
    public var inputCount: Int { layers[0].inputs }
    public var outputCount: Int { layers[layers.count - 1].outputs }
    /// The parameters of the network's int8 input.
    public var input: QuantizationParameters { layers[0].input }
    /// The parameters of the network's int8 output.
    public var output: QuantizationParameters { layers[layers.count - 1].result }
    /// The hidden layers' activation (`relu`, `tanh`, ...), or `identity` for a single layer (no hidden
    /// layer): the name in export.json and in the generated code's header comment.
    public var hiddenActivationName: String { layers.count > 1 ? layers[0].activation.name : "identity" }
    /// Multiply-accumulates of one inference.
    public var multiplyAccumulates: Int { layers.reduce(0) { $0 + $1.inputs * $1.outputs } }
}
