/// A height and a width: a kernel, a pool window or a stride.
public struct Size2D: Hashable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// `n×n`.
    public static func square(_ n: Int) -> Size2D { Size2D(n, n) }

    public var description: String { "\(height)×\(width)" }
    var pair: (Int, Int) { (height, width) }
}

/// A fully connected layer on a vector: `y = W·x + b`, `W (outputs, inputs)`, `b (outputs)`.
public struct Dense: Hashable, Sendable {
    public var outputs: Int
    public var bias: Bool

    public init(_ outputs: Int, bias: Bool = true) {
        self.outputs = outputs
        self.bias = bias
    }
}

/// A 2-D convolution (cross-correlation, as every framework computes it), groups = 1:
/// `y[n, oy, ox, o] = b[o] + Σ_{ky, kx, c} W[o, ky, kx, c] · x[n, oy·sh − padTop + ky, ox·sw − padLeft + kx, c]`
/// with zero padding. Weight `W (C_out, kh, kw, C_in)` (TFLite's OHWI), bias `b (C_out)`.
public struct Conv2D: Hashable, Sendable {
    public var filters: Int
    public var kernel: Size2D
    public var stride: Size2D
    public var padding: Padding
    public var bias: Bool

    public init(filters: Int, kernel: Size2D, stride: Size2D = .square(1), padding: Padding = .valid, bias: Bool = true)
    {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
    }
}

/// A 1-D convolution over a signal `(T, C)`: a `Conv2D` with kernel `1×k` and stride `1×s` on the signal
/// seen as the image `(1, T, C)`, as TFLite Micro runs it. Weight `(C_out, 1, k, C_in)`, bias `(C_out)`.
public struct Conv1D: Hashable, Sendable {
    public var filters: Int
    public var kernel: Int
    public var stride: Int
    public var padding: Padding
    public var bias: Bool

    public init(filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .valid, bias: Bool = true) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
    }

    /// The same layer as a `Conv2D` of height 1.
    public var conv2D: Conv2D {
        Conv2D(filters: filters, kernel: Size2D(1, kernel), stride: Size2D(1, stride), padding: padding, bias: bias)
    }
}

/// A depthwise 2-D convolution, depth multiplier 1: each channel is convolved with its own kernel,
/// `y[n, oy, ox, c] = b[c] + Σ_{ky, kx} W[0, ky, kx, c] · x[n, oy·sh − padTop + ky, ox·sw − padLeft + kx, c]`.
/// Weight `W (1, kh, kw, C)` (TFLite's layout), bias `b (C)`.
public struct DepthwiseConv2D: Hashable, Sendable {
    public var kernel: Size2D
    public var stride: Size2D
    public var padding: Padding
    public var bias: Bool

    public init(kernel: Size2D, stride: Size2D = .square(1), padding: Padding = .valid, bias: Bool = true) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
    }
}

/// A pooling window: `MaxPool2D` and `AveragePool2D` both take a size, a stride (the size by default)
/// and a padding. Padded positions are never part of a window: a max is over the valid elements, an
/// average divides by the number of valid elements (TFLite's SAME convention).
public struct Pool2D: Hashable, Sendable {
    public var size: Size2D
    public var stride: Size2D
    public var padding: Padding

    public init(size: Size2D, stride: Size2D? = nil, padding: Padding = .valid) {
        self.size = size
        self.stride = stride ?? size
        self.padding = padding
    }
}

/// One layer of a `LayerStack`. Spatial layers take an image `(H, W, C)` or a signal `(T, C)` (seen as
/// `(1, T, C)`, so their kernel height must be 1); `dense` takes a vector, so a `flatten` must come between.
public enum Layer: Hashable, Sendable {
    case dense(Dense)
    case conv2D(Conv2D)
    case conv1D(Conv1D)
    case depthwiseConv2D(DepthwiseConv2D)
    /// `y[n, oy, ox, c] = max` of `x[n, iy, ix, c]` over the valid positions of the window.
    case maxPool2D(Pool2D)
    /// `y[n, oy, ox, c] = (1/|window|) Σ x[n, iy, ix, c]` over the valid positions of the window.
    case averagePool2D(Pool2D)
    /// `(H, W, C) → (C)`: `y[n, c] = (1/(H·W)) Σ_{h, w} x[n, h, w, c]`.
    case globalAveragePool
    /// `(H, W, C) → (H·W·C)` in NHWC order (a copy; the memory order does not change).
    case flatten
    /// `y = φ(x)` elementwise, any shape.
    case activation(Activation)
    /// `y = min(max(x, 0), 6)` elementwise (TFLite's RELU6); `φ'` is 1 on (0, 6) and 0 elsewhere.
    case relu6

    /// A max pool over a signal: window `1×size`, stride `1×stride` (the size by default).
    public static func maxPool1D(_ size: Int, stride: Int? = nil, padding: Padding = .valid) -> Layer {
        .maxPool2D(Pool2D(size: Size2D(1, size), stride: Size2D(1, stride ?? size), padding: padding))
    }

    /// An average pool over a signal: window `1×size`, stride `1×stride` (the size by default).
    public static func averagePool1D(_ size: Int, stride: Int? = nil, padding: Padding = .valid) -> Layer {
        .averagePool2D(Pool2D(size: Size2D(1, size), stride: Size2D(1, stride ?? size), padding: padding))
    }

    /// The kind's name, as in configs and the summary: `dense`, `conv2d`, `max_pool2d`, `relu`, ...
    public var kind: String {
        switch self {
        case .dense: "dense"
        case .conv2D: "conv2d"
        case .conv1D: "conv1d"
        case .depthwiseConv2D: "depthwise_conv2d"
        case .maxPool2D: "max_pool2d"
        case .averagePool2D: "average_pool2d"
        case .globalAveragePool: "global_average_pool"
        case .flatten: "flatten"
        case .activation(let activation): activation.name
        case .relu6: "relu6"
        }
    }

    /// The kind with its settings, e.g. `conv2d 6 5×5/1 same`, `max_pool2d 2×2/2 valid`, `dense 120`.
    public var settings: String {
        switch self {
        case .dense(let d): "dense \(d.outputs)" + (d.bias ? "" : " no-bias")
        case .conv2D(let c): "conv2d \(c.filters) \(c.kernel)/\(c.stride.height)×\(c.stride.width) \(c.padding)"
        case .conv1D(let c): "conv1d \(c.filters) \(c.kernel)/\(c.stride) \(c.padding)"
        case .depthwiseConv2D(let c): "depthwise_conv2d \(c.kernel)/\(c.stride.height)×\(c.stride.width) \(c.padding)"
        case .maxPool2D(let p), .averagePool2D(let p):
            "\(kind) \(p.size)/\(p.stride.height)×\(p.stride.width) \(p.padding)"
        default: kind
        }
    }

    /// The layer as a `Conv2D` when it is a convolution with groups = 1.
    var convolution: Conv2D? {
        switch self {
        case .conv2D(let c): c
        case .conv1D(let c): c.conv2D
        default: nil
        }
    }

    /// Whether the layer has a weight (and maybe a bias) in the parameter buffer.
    public var hasParameters: Bool {
        switch self {
        case .dense, .conv2D, .conv1D, .depthwiseConv2D: true
        default: false
        }
    }
}
