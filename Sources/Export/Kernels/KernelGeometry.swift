// Dimension legend for the int8 kernels (TFLite's layouts):
//   N, H, W, C      batch, height, width, channels of an NHWC activation; element (n, y, x, c) sits at
//                   ((n·H + y)·W + x)·C + c
//   O, KH, KW, I    a CONV_2D filter in OHWI: output channels, kernel height and width, input channels
//   M               DEPTHWISE_CONV_2D's depth multiplier; its filter is [1, KH, KW, C·M]

/// The shape of an NHWC tensor.
public struct NHWCShape: Hashable, Sendable, CustomStringConvertible {
    public let batch: Int
    public let height: Int
    public let width: Int
    public let channels: Int

    public init(batch: Int = 1, height: Int, width: Int, channels: Int) {
        precondition(
            batch > 0 && height > 0 && width > 0 && channels > 0,
            "NHWCShape: every dimension must be positive, got [\(batch), \(height), \(width), \(channels)]")
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
    }

    public var count: Int { batch * height * width * channels }
    public var dimensions: [Int] { [batch, height, width, channels] }
    public var description: String { "[\(batch), \(height), \(width), \(channels)]" }

    /// The flat index of element (n, y, x, c).
    @inline(__always)
    public func offset(_ n: Int, _ y: Int, _ x: Int, _ c: Int) -> Int { ((n * height + y) * width + x) * channels + c }
}

/// TFLite's `Padding`: `same` pads so that `out = ⌈in/stride⌉`, `valid` does not pad.
public enum KernelPadding: String, Sendable, Hashable, CaseIterable {
    case same
    case valid
}

/// Stride, window and padding of a convolution or pooling along both axes, with the output size and the
/// padding TFLite computes for them (`ComputeOutSize`, `ComputePaddingHeightWidth`, dilation 1):
///
///     same:  out = ⌈in / stride⌉          valid: out = ⌊(in − k) / stride⌋ + 1
///     pad_total = max((out − 1)·stride + k − in, 0),  pad = ⌊pad_total / 2⌋   (the extra row/column, if
///     any, goes to the bottom/right)
///
/// Output position o reads input rows `o·stride − pad + j` for `j < k`; rows outside `[0, in)` are skipped.
public struct WindowGeometry: Hashable, Sendable {
    public let strideHeight: Int
    public let strideWidth: Int
    public let filterHeight: Int
    public let filterWidth: Int
    public let padding: KernelPadding

    public init(strideHeight: Int, strideWidth: Int, filterHeight: Int, filterWidth: Int, padding: KernelPadding) {
        precondition(
            strideHeight > 0 && strideWidth > 0 && filterHeight > 0 && filterWidth > 0,
            "WindowGeometry: strides and window must be positive")
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.padding = padding
    }

    static func outputSize(_ input: Int, filter: Int, stride: Int, padding: KernelPadding) -> Int {
        switch padding {
        case .same: (input + stride - 1) / stride
        case .valid: (input - filter + stride) / stride
        }
    }

    static func padding(_ input: Int, filter: Int, stride: Int, output: Int) -> Int {
        max((output - 1) * stride + filter - input, 0) / 2
    }

    public func outputHeight(_ inputHeight: Int) -> Int {
        Self.outputSize(inputHeight, filter: filterHeight, stride: strideHeight, padding: padding)
    }
    public func outputWidth(_ inputWidth: Int) -> Int {
        Self.outputSize(inputWidth, filter: filterWidth, stride: strideWidth, padding: padding)
    }
    /// Rows added above the input (`padding.height` in TFLite).
    public func padTop(_ inputHeight: Int) -> Int {
        Self.padding(inputHeight, filter: filterHeight, stride: strideHeight, output: outputHeight(inputHeight))
    }
    /// Columns added left of the input (`padding.width`).
    public func padLeft(_ inputWidth: Int) -> Int {
        Self.padding(inputWidth, filter: filterWidth, stride: strideWidth, output: outputWidth(inputWidth))
    }

    /// The output shape for `input` with `channels` output channels; precondition: at least one output.
    public func outputShape(_ input: NHWCShape, channels: Int) -> NHWCShape {
        let height = outputHeight(input.height)
        let width = outputWidth(input.width)
        precondition(
            height > 0 && width > 0, "WindowGeometry: a \(filterHeight)×\(filterWidth) window does not fit \(input)")
        return NHWCShape(batch: input.batch, height: height, width: width, channels: channels)
    }
}

/// The clamp of a fused activation on an int8 output with parameters `output`
/// (`CalculateActivationRangeQuantized`, with `Q(f) = z + (int32)round(f / s)` in float):
/// none `[−128, 127]`, relu `[max(−128, Q(0)), 127]`, relu6 `[max(−128, Q(0)), min(127, Q(6))]`.
public enum FusedActivationRange {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case none, relu, relu6
    }

    public static func clamp(_ kind: Kind, output: QuantizationParameters) -> ClosedRange<Int32> {
        func quantized(_ f: Float) -> Int32 {
            output.zeroPoint + Int32((f / output.scale).rounded(.toNearestOrAwayFromZero))
        }
        switch kind {
        case .none: return -128...127
        case .relu: return max(-128, quantized(0))...127
        case .relu6: return max(-128, quantized(0))...min(127, quantized(6))
        }
    }
}

/// The integer parameters of a convolution's output stage, per output channel `c`:
///
///     acc = Σ w·(x + inputOffset) + bias[c]
///     y   = clamp(MultiplyByQuantizedMultiplier(acc, multipliers[c]) + outputOffset, clamp)
///
/// with `inputOffset = −z_in` and `outputOffset = z_out`, as TFLite Micro's `ConvParams` holds them.
public struct ConvQuantization: Sendable, Equatable {
    public let inputOffset: Int32
    public let outputOffset: Int32
    /// One per output channel.
    public let multipliers: [QuantizedMultiplier]
    public let clamp: ClosedRange<Int32>

    public init(inputOffset: Int32, outputOffset: Int32, multipliers: [QuantizedMultiplier], clamp: ClosedRange<Int32>)
    {
        precondition(
            clamp.lowerBound >= -128 && clamp.upperBound <= 127, "ConvQuantization: clamp \(clamp) outside int8")
        self.inputOffset = inputOffset
        self.outputOffset = outputOffset
        self.multipliers = multipliers
        self.clamp = clamp
    }

    /// The output stage of channel `c` for accumulator `acc` (bias included).
    @inline(__always)
    func finish(_ acc: Int32, channel c: Int) -> Int8 {
        var value = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[c], rounding: .double)
        value = value &+ outputOffset
        return Int8(min(max(value, clamp.lowerBound), clamp.upperBound))
    }
}
