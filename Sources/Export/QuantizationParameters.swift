// How real numbers become int8 and int32 (tensorflow/lite/g3doc/performance/quantization_spec.md), with the
// parameters chosen as TFLite's calibration quantizer chooses them
// (tensorflow/lite/tools/optimize/quantization_utils.cc). The reference computes these in `float`; so does
// this file, step by step, because a different order of float operations gives a different scale in the
// last bit and, through the multipliers, different outputs.

/// Asymmetric int8 parameters of an activation tensor: `real = scale·(q − zeroPoint)`, `q` in `[−128, 127]`.
public struct QuantizationParameters: Hashable, Sendable, Codable {
    public let scale: Float
    public let zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        precondition(scale > 0 && scale.isFinite, "QuantizationParameters: scale must be positive, got \(scale)")
        precondition((-128...127).contains(zeroPoint), "QuantizationParameters: zero point \(zeroPoint) is not int8")
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// `GetAsymmetricQuantizationParams(min, max, −128, 127)`, in float:
    ///
    ///     min = min(min, 0);  max = max(max, 0)
    ///     scale = (max − min) / 255
    ///     zero point = round(−128 − min/scale), clamped to [−128, 127]
    ///
    /// One departure: a tensor that is 0 on every calibration sample (`min = max = 0`) gets scale 1 instead of
    /// the reference's 0, which would make the next requantization multiplier infinite; any scale represents
    /// a constant 0 exactly (with zero point −128).
    public static func asymmetric(min: Float, max: Float) -> QuantizationParameters {
        precondition(min.isFinite && max.isFinite, "asymmetric: the range [\(min), \(max)] is not finite")
        let quantMin: Float = -128
        let quantMax: Float = 127
        let low = Swift.min(min, 0)
        let high = Swift.max(max, 0)
        let scale = (high - low) / (quantMax - quantMin)
        guard scale != 0 else { return QuantizationParameters(scale: 1, zeroPoint: -128) }
        let zeroPointFromMin = quantMin - low / scale
        let zeroPoint: Int32
        if zeroPointFromMin < quantMin {
            zeroPoint = -128
        } else if zeroPointFromMin > quantMax {
            zeroPoint = 127
        } else {
            zeroPoint = Int32(zeroPointFromMin.rounded(.toNearestOrAwayFromZero))
        }
        return QuantizationParameters(scale: scale, zeroPoint: zeroPoint)
    }

    /// The reference QUANTIZE op (`reference/quantize.h`): `clamp(round(x / scale) + zeroPoint, −128, 127)`,
    /// the division and `round` (half away from zero) in float. Exactly what the emitted C helper computes.
    public func quantize(_ x: Float) -> Int8 {
        precondition(!x.isNaN, "quantize: NaN input")
        // Clamping before the conversion changes nothing after the final clamp, and keeps huge values finite.
        let rounded = Swift.min(Swift.max((x / scale).rounded(.toNearestOrAwayFromZero), -512), 512)
        return Int8(Swift.min(Swift.max(Int32(rounded) + zeroPoint, -128), 127))
    }

    /// DEQUANTIZE: `scale·(q − zeroPoint)` in float.
    public func dequantize(_ q: Int8) -> Float {
        scale * Float(Int32(q) - zeroPoint)
    }
}

/// Whether weights get one scale per output channel (row) or one for the whole matrix.
public enum WeightGranularity: String, Sendable, Hashable, Codable, CaseIterable {
    /// One symmetric scale per output channel: the converter's default for FULLY_CONNECTED today.
    case perChannel = "per-channel"
    /// One symmetric scale per weight matrix: the spec's table for FULLY_CONNECTED.
    case perTensor = "per-tensor"
}

/// Symmetric int8 weights `(outputs, inputs)` with their scales: `real = scale[c]·q`, `q` in `[−127, 127]`.
public struct SymmetricWeights: Sendable, Equatable {
    public let values: [Int8]
    /// One per output channel (`perChannel`) or one (`perTensor`).
    public let scales: [Float]

    /// Quantizes `weights (outputs, inputs)`, row-major.
    ///
    /// Per channel c (`SymmetricPerChannelQuantization`): `r = max(|min_c|, |max_c|)`, `scale_c = r / 127`,
    /// `q = clamp(round(w·(127 / r)), −127, 127)`, everything in float, multiplying by the float inverse as
    /// the reference does. Per tensor (`SymmetricQuantizeFloats`): the same with one `r` for the matrix.
    ///
    /// A channel (or matrix) whose weights are all zero would get the reference's scale 0, so its bias
    /// would quantize to 0 and be lost; it gets `r = 1` instead (weights still 0), which keeps its bias.
    public init(weights: [Float], outputs: Int, inputs: Int, granularity: WeightGranularity) {
        precondition(
            weights.count == outputs * inputs, "SymmetricWeights: \(weights.count) for (\(outputs), \(inputs))")
        let kMax: Float = 127
        func halfRange(_ slice: ArraySlice<Float>) -> Float {
            var low = slice.first ?? 0
            var high = low
            for w in slice {
                low = Swift.min(low, w)
                high = Swift.max(high, w)
            }
            let r = Swift.max(abs(low), abs(high))
            return r == 0 ? 1 : r
        }
        var values = [Int8](repeating: 0, count: weights.count)
        var scales = [Float]()
        switch granularity {
        case .perChannel:
            for o in 0..<outputs {
                let row = weights[(o * inputs)..<((o + 1) * inputs)]
                let r = halfRange(row)
                scales.append(r / kMax)
                let inverse = kMax / r
                for d in 0..<inputs { values[o * inputs + d] = Self.clampedRound(row[o * inputs + d] * inverse) }
            }
        case .perTensor:
            let r = halfRange(weights[...])
            scales.append(r / kMax)
            let inverse = kMax / r
            for i in weights.indices { values[i] = Self.clampedRound(weights[i] * inverse) }
        }
        self.values = values
        self.scales = scales
    }

    /// `clamp((int32)round(v), −127, 127)`.
    static func clampedRound(_ v: Float) -> Int8 {
        let rounded = Swift.min(Swift.max(v.rounded(.toNearestOrAwayFromZero), -127), 127)
        return Int8(rounded)
    }

    /// The scale of output channel `o`.
    public func scale(ofChannel o: Int) -> Float { scales.count == 1 ? scales[0] : scales[o] }
}

/// Bias quantization (`SymmetricPerChannelBiasQuantize`): scale `s_in·s_w[c]` (a float product), then
/// `clamp(SafeCast<int32>(round(b·inv)), −INT32_MAX, INT32_MAX)` with `inv = (float)(1.0 / scale)`.
public enum BiasQuantization {
    public static func quantize(_ bias: Float, inputScale: Float, weightScale: Float) -> Int32 {
        let scale = inputScale * weightScale
        let inverse: Float = scale == 0 ? 0 : Float(1.0 / Double(scale))
        let rounded = (bias * inverse).rounded(.toNearestOrAwayFromZero)
        // SafeCast saturates; the clamp then excludes INT32_MIN.
        if rounded.isNaN { return 0 }
        if rounded >= Float(Int32.max) { return Int32.max }
        if rounded <= -Float(Int32.max) { return -Int32.max }
        return Int32(rounded)
    }
}

/// The real multiplier that scales a layer's int32 accumulator into its int8 output.
public enum RequantizationScale {
    /// Per channel (`fully_connected_common.cc`, per-channel branch): `(double)s_in·(double)s_w[c] / (double)s_out`.
    public static func perChannel(input: Float, weight: Float, output: Float) -> Double {
        Double(input) * Double(weight) / Double(output)
    }

    /// Per tensor (`GetQuantizedConvolutionMultipler`): `(double)(float)(s_in·s_w) / (double)s_out`: the
    /// product is rounded to float first. The two formulas give a different `M` for most scales.
    public static func perTensor(input: Float, weight: Float, output: Float) -> Double {
        Double(input * weight) / Double(output)
    }
}
