public import Networks
import RealModule

/// A 256-entry int8 table for an elementwise activation, as TFLite's `LUTPopulate` builds one:
///
///     for q in −128...127:
///         x = s_in·(q − z_in)                      (float)
///         y = φ(x)                                 (float)
///         table[UInt8(bitPattern: q)] = clamp((int32)(round(y·(1/s_out)) + z_out), −128, 127)
///
/// On the device the activation is then one indexed load: `y = table[(uint8_t)x]`. The table is computed
/// once here, in float, so the Swift reference and the C code use the same 256 bytes by construction.
public enum LookupTable {
    public static func populate(
        _ activation: Activation, input: QuantizationParameters, output: QuantizationParameters
    ) -> [Int8] {
        var table = [Int8](repeating: 0, count: 256)
        let inverseScale: Float = 1 / output.scale
        for q in Int32(-128)...127 {
            let dequantized = input.scale * Float(q - input.zeroPoint)
            let transformed: Float = activation.value(dequantized)
            // Clamped in float first so that an infinite φ(x) stays convertible; the final clamp is the same.
            let rescaled = min(max((transformed * inverseScale).rounded(.toNearestOrAwayFromZero), -1024), 1024)
            let quantized = min(max(Int32(rescaled) + output.zeroPoint, -128), 127)
            table[Int(UInt8(bitPattern: Int8(q)))] = Int8(quantized)
        }
        return table
    }

    /// Whether `activation` runs as a table (everything but identity and ReLU, which are a clamp).
    public static func isNeeded(for activation: Activation) -> Bool {
        activation != .identity && activation != .relu
    }
}
