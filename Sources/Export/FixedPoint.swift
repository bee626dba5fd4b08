// The integer arithmetic of int8 inference, exactly as the TensorFlow Lite Micro reference kernels compute
// it (tensorflow/lite/kernels/internal/common.cc, with gemmlowp's fixedpoint.h), which CMSIS-NN's default
// build reproduces bit for bit. Every operation here has the same name, argument order and rounding as the
// reference; `&+`, `&*` and `&<<` appear exactly where the reference wraps.

/// How a 32-bit accumulator is scaled by a real multiplier `m = M·2^shift / 2^31`.
public enum Rounding: String, Sendable, Hashable, Codable, CaseIterable {
    /// `RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x·2^left, M), right)`: two roundings, the
    /// TFLite Micro and CMSIS-NN default (and Partita's). Can differ by one from the exact product.
    case double
    /// `(x·M + 2^(30−shift)) >> (31−shift)` in 64 bits: one rounding, ties toward +∞
    /// (`TFLITE_SINGLE_ROUNDING`, `CMSIS_NN_USE_SINGLE_ROUNDING`).
    case single
}

/// A real multiplier `m > 0` as the reference stores it: `m ≈ M·2^(shift − 31)` with `M` in `[2^30, 2^31)`.
///
/// `shift > 0` is a left shift, `shift < 0` a right shift (TFLite's and CMSIS-NN's convention).
public struct QuantizedMultiplier: Hashable, Sendable, Codable {
    /// `M`, a Q0.31 fixed-point number in `[2^30, 2^31)` (0 for a zero multiplier).
    public let multiplier: Int32
    public let shift: Int32

    public init(multiplier: Int32, shift: Int32) {
        self.multiplier = multiplier
        self.shift = shift
    }

    /// `QuantizeMultiplier` (tensorflow/lite/kernels/internal/quantization_util.cc):
    ///
    ///     q, shift = frexp(m)            m = q·2^shift, q in [0.5, 1)
    ///     M = round(q·2^31)              half away from zero, in 64 bits
    ///     if M == 2^31: M /= 2, shift += 1
    ///     if shift < −31: M = 0, shift = 0
    ///
    /// `m = 0` gives `(0, 0)`. Swift's `significand` lies in `[1, 2)`, so `q = significand/2` and
    /// `frexp`'s exponent is `exponent + 1`; both are exact.
    public init(_ real: Double) {
        precondition(
            real >= 0 && real.isFinite, "QuantizedMultiplier: the multiplier must be finite and ≥ 0, got \(real)")
        guard real > 0 else {
            self.init(multiplier: 0, shift: 0)
            return
        }
        var shift = Int(real.exponent) + 1
        var fixed = Int64((real.significand * Double(1 << 30)).rounded(.toNearestOrAwayFromZero))
        if fixed == Int64(1) << 31 {
            fixed /= 2
            shift += 1
        }
        if shift < -31 {
            fixed = 0
            shift = 0
        }
        self.init(multiplier: Int32(fixed), shift: Int32(shift))
    }
}

/// gemmlowp's fixed-point primitives and TFLite's `MultiplyByQuantizedMultiplier`.
public enum FixedPoint {
    /// `SaturatingRoundingDoublingHighMul(a, b)` (NEON's `VQRDMULH`): `a·b/2^31` rounded to nearest, ties
    /// toward +∞, saturating the single overflowing case `a = b = Int32.min`.
    ///
    ///     ab = (int64)a·(int64)b;  nudge = ab ≥ 0 ? 2^30 : 1 − 2^30
    ///     result = (ab + nudge) / 2^31          (C division: truncates toward 0)
    public static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b && a == .min { return .max }
        let ab = Int64(a) * Int64(b)
        let nudge: Int64 = ab >= 0 ? 1 << 30 : 1 - (1 << 30)
        return Int32((ab + nudge) / (1 << 31))
    }

    /// `RoundingDivideByPOT(x, exponent)`: `x/2^exponent` rounded to nearest, ties away from zero, for
    /// `0 ≤ exponent ≤ 31`.
    ///
    ///     mask = 2^e − 1;  remainder = x & mask;  threshold = (mask >> 1) + (x < 0 ? 1 : 0)
    ///     result = (x >> e) + (remainder > threshold ? 1 : 0)       (arithmetic shift)
    public static func roundingDivideByPowerOfTwo(_ x: Int32, _ exponent: Int32) -> Int32 {
        precondition((0...31).contains(exponent), "roundingDivideByPowerOfTwo: exponent \(exponent) outside 0...31")
        let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> exponent) + (remainder > threshold ? 1 : 0)
    }

    /// `MultiplyByQuantizedMultiplier(x, M, shift)`: `x·m` for the real multiplier `m` of (`M`, `shift`).
    ///
    /// Double rounding: `RDBP(SRDHM(x·2^left, M), right)` with `left = max(shift, 0)`,
    /// `right = max(−shift, 0)`; `x·2^left` wraps as the reference's `x * (1 << left)` does on two's-complement
    /// machines. Single rounding: `(x·M + 2^(30 − shift)) >> (31 − shift)` in 64 bits, `shift` in `−31...30`.
    public static func multiplyByQuantizedMultiplier(
        _ x: Int32, _ multiplier: QuantizedMultiplier, rounding: Rounding = .double
    ) -> Int32 {
        let shift = multiplier.shift
        switch rounding {
        case .double:
            let left = max(shift, 0)
            let right = max(-shift, 0)
            return roundingDivideByPowerOfTwo(
                saturatingRoundingDoublingHighMul(x &<< left, multiplier.multiplier), right)
        case .single:
            precondition((-31...30).contains(shift), "single rounding: shift \(shift) outside -31...30")
            let totalShift = Int64(31 - shift)
            let round = Int64(1) << (totalShift - 1)
            let result = (Int64(x) * Int64(multiplier.multiplier) + round) >> totalShift
            return Int32(truncatingIfNeeded: result)
        }
    }
}
