public import Networks
public import Tensors

/// Turns a float MLP and the calibrated ranges of its tensors into an int8 `QuantizedMLP`, choosing every
/// parameter as TFLite's quantizer and TFLite Micro's kernels would.
///
/// Per layer l, with `t_l` the parameters of its int8 input (`t_0` from the input range):
/// - weights: symmetric int8 per channel (or per tensor), see `SymmetricWeights`;
/// - the fully connected result's parameters: asymmetric from the range of `ReLU(Z_l)` for a ReLU layer
///   (the fused-activation convention), of `Z_l` otherwise; its clamp is `max(−128, z)...127` for ReLU;
/// - other activations (tanh, silu, gelu, sigmoid, elu, softplus): a `LookupTable` from the int8 `Z_l` to
///   the int8 `φ(Z_l)`, whose parameters come from the range of `φ(Z_l)`;
/// - bias: int32 at scale `s_in·s_w[o]`; multiplier `s_in·s_w[o]/s_out` (per-tensor: the float-product
///   form), see `RequantizationScale`.
public enum Quantizer {
    public static func quantize(
        _ model: MLP<Float>, ranges: CalibrationRanges, granularity: WeightGranularity = .perChannel,
        rounding: Rounding = .double
    ) throws(ExportError) -> QuantizedMLP {
        let architecture = model.architecture
        precondition(ranges.preactivations.count == architecture.layerCount, "Quantizer: ranges for another model")
        var current = QuantizationParameters.asymmetric(min: ranges.input.min, max: ranges.input.max)
        var layers = [QuantizedDenseLayer]()
        for l in 0..<architecture.layerCount {
            let (inputs, outputs) = (architecture.sizes[l], architecture.sizes[l + 1])
            let activation = architecture.activation(after: l)
            let (weightView, biasView) = model.layout.views(ofLayer: l)
            let weights = SymmetricWeights(
                weights: model.parameters[weightView], outputs: outputs, inputs: inputs, granularity: granularity)
            let usesTable = LookupTable.isNeeded(for: activation)
            let outputRange = activation == .relu ? ranges.activations[l] : ranges.preactivations[l]
            let output = QuantizationParameters.asymmetric(min: outputRange.min, max: outputRange.max)
            let result =
                usesTable
                ? QuantizationParameters.asymmetric(min: ranges.activations[l].min, max: ranges.activations[l].max)
                : output
            let floatBias = biasView.map { model.parameters[$0] } ?? [Float](repeating: 0, count: outputs)
            let bias = (0..<outputs).map {
                BiasQuantization.quantize(
                    floatBias[$0], inputScale: current.scale, weightScale: weights.scale(ofChannel: $0))
            }
            var multipliers = [QuantizedMultiplier]()
            for c in 0..<weights.scales.count {
                let real =
                    granularity == .perChannel
                    ? RequantizationScale.perChannel(
                        input: current.scale, weight: weights.scales[c], output: output.scale)
                    : RequantizationScale.perTensor(
                        input: current.scale, weight: weights.scales[c], output: output.scale)
                // Too small a multiplier is flushed to (0, 0) by QuantizedMultiplier, so only too large fails.
                let multiplier = QuantizedMultiplier(real)
                guard multiplier.shift <= 30 else {
                    throw .multiplierOutOfRange(layer: l, channel: c, multiplier: real)
                }
                multipliers.append(multiplier)
            }
            try checkAccumulator(weights: weights.values, bias: bias, inputs: inputs, layer: l)
            let clamp: ClosedRange<Int32> = activation == .relu ? max(-128, output.zeroPoint)...127 : -128...127
            layers.append(
                QuantizedDenseLayer(
                    inputs: inputs, outputs: outputs, weights: weights, bias: bias, multipliers: multipliers,
                    input: current, output: output, clamp: clamp,
                    lookupTable: usesTable ? LookupTable.populate(activation, input: output, output: result) : nil,
                    result: result, activation: activation))
            current = result
        }
        return QuantizedMLP(layers: layers, rounding: rounding, granularity: granularity)
    }

    /// Throws unless `|bias[o]| + 256·Σ_d |w[o][d]| < 2^31` for every row: then neither the reference sum
    /// `Σ w·(x − z) + b` nor the emitted C's folded form `b' + Σ w·x` (see `CEmitter`) can leave int32.
    static func checkAccumulator(weights: [Int8], bias: [Int32], inputs: Int, layer: Int) throws(ExportError) {
        for o in bias.indices {
            var bound = Int64(abs(Int64(bias[o])))
            for d in 0..<inputs { bound += 256 * Int64(abs(Int32(weights[o * inputs + d]))) }
            if bound >= Int64(1) << 31 { throw .accumulatorOverflow(layer: layer, channel: o, bound: bound) }
        }
    }
}
