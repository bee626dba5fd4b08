// Dimension legend for the layers (see docs/layers.md):
//   N        batch: samples in a mini-batch; every activation is stored batch-major
//   H, W, C  height, width, channels of one sample, stored NHWC (channels fastest), as TFLite Micro does
//   T        time steps of a signal (T, C), treated as an image of height 1 (1, T, C)
//   kh, kw   kernel (or pool) height and width; sh, sw: strides
//   OH, OW   output height and width; C_out: output channels (filters)

/// The shape of one sample as it flows through a layer stack: a vector `(features)`, a signal
/// `(T, C)` or an image `(H, W, C)`. A batch of them is a `Matrix (N, count)`, each row the sample's
/// elements in row-major (NHWC) order.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    /// 1, 2 or 3 positive sizes.
    public let dimensions: [Int]

    /// A shape of 1 to 3 positive sizes; nil otherwise.
    public init?(_ dimensions: [Int]) {
        guard (1...3).contains(dimensions.count), dimensions.allSatisfy({ $0 > 0 }) else { return nil }
        self.dimensions = dimensions
    }

    /// `(features)`.
    public static func vector(_ features: Int) -> TensorShape { TensorShape(unchecked: [features]) }
    /// `(T, C)`.
    public static func signal(time: Int, channels: Int) -> TensorShape { TensorShape(unchecked: [time, channels]) }
    /// `(H, W, C)`.
    public static func image(height: Int, width: Int, channels: Int) -> TensorShape {
        TensorShape(unchecked: [height, width, channels])
    }

    init(unchecked dimensions: [Int]) {
        precondition(
            (1...3).contains(dimensions.count) && dimensions.allSatisfy { $0 > 0 }, "TensorShape: bad \(dimensions)")
        self.dimensions = dimensions
    }

    /// Elements per sample.
    public var count: Int { dimensions.reduce(1, *) }
    public var rank: Int { dimensions.count }
    /// Whether the shape has spatial axes (a signal or an image).
    public var isSpatial: Bool { rank >= 2 }

    /// The `(H, W, C)` view of a spatial shape: a signal `(T, C)` is `(1, T, C)`.
    var spatial: (height: Int, width: Int, channels: Int) {
        rank == 3 ? (dimensions[0], dimensions[1], dimensions[2]) : (1, dimensions[0], dimensions[rank - 1])
    }

    /// A spatial shape of the same rank as `self` with new sizes (a signal keeps its height of 1).
    func withSpatial(height: Int, width: Int, channels: Int) -> TensorShape {
        rank == 3 ? .image(height: height, width: width, channels: channels) : .signal(time: width, channels: channels)
    }

    /// `(28, 28, 1)`, `(120)`, as Keras prints shapes (without the batch axis).
    public var description: String {
        "(" + dimensions.map(String.init).joined(separator: ", ") + ")"
    }
}

/// How a window (kernel or pool) is placed along each spatial axis.
///
/// With input size `in`, window `k` and stride `s` (TensorFlow's and TFLite's convention):
/// - `valid`: no padding, `out = ⌊(in − k)/s⌋ + 1`, and `in ≥ k` is required;
/// - `same`: `out = ⌈in/s⌉`, `pad_total = max((out − 1)·s + k − in, 0)`, `pad_before = ⌊pad_total/2⌋`
///   (the rest goes after, so an odd total pads one more at the bottom/right).
public enum Padding: String, Hashable, Sendable, CaseIterable {
    case valid
    case same
}

/// Where every window of a convolution or pool lies: the input and output sizes and the padding
/// before each axis. Output position `(oy, ox)` reads input rows `oy·sh − padTop + ky`, `ky ∈ 0..<kh`,
/// and columns `ox·sw − padLeft + kx`, `kx ∈ 0..<kw`; positions outside the input are padding (zero for
/// a convolution, skipped by a pool).
public struct WindowGeometry: Hashable, Sendable {
    public let inputHeight: Int
    public let inputWidth: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let strideHeight: Int
    public let strideWidth: Int
    public let padTop: Int
    public let padLeft: Int
    public let outputHeight: Int
    public let outputWidth: Int

    /// The geometry, or nil when a `valid` window is larger than its input.
    public init?(input: (height: Int, width: Int), kernel: (Int, Int), stride: (Int, Int), padding: Padding) {
        precondition(kernel.0 > 0 && kernel.1 > 0 && stride.0 > 0 && stride.1 > 0, "WindowGeometry: bad window")
        guard
            let (outH, padH) = Self.axis(input.height, kernel.0, stride.0, padding),
            let (outW, padW) = Self.axis(input.width, kernel.1, stride.1, padding)
        else { return nil }
        (inputHeight, inputWidth) = input
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (outputHeight, outputWidth, padTop, padLeft) = (outH, outW, padH, padW)
    }

    /// `(out, pad_before)` along one axis, nil when a valid window does not fit.
    static func axis(_ input: Int, _ kernel: Int, _ stride: Int, _ padding: Padding) -> (Int, Int)? {
        switch padding {
        case .valid:
            guard input >= kernel else { return nil }
            return ((input - kernel) / stride + 1, 0)
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + kernel - input, 0)
            return (out, total / 2)
        }
    }

    /// Whether the window is 1×1 with stride 1 (then no padding either): the input is its own im2col.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
    }

    /// The valid kernel rows at output row `oy`: `ky` in the range keeps `oy·sh − padTop + ky` inside the input.
    @inline(__always)
    func rows(at oy: Int) -> Range<Int> {
        let top = oy * strideHeight - padTop
        let lower = max(0, -top)
        return lower..<max(lower, min(kernelHeight, inputHeight - top))
    }

    /// The valid kernel columns at output column `ox`.
    @inline(__always)
    func columns(at ox: Int) -> Range<Int> {
        let left = ox * strideWidth - padLeft
        let lower = max(0, -left)
        return lower..<max(lower, min(kernelWidth, inputWidth - left))
    }
}
