/// The shape of one sample, when it is more than a vector of features: what a convolutional network's input
/// layer takes. The features of a sample are its elements in row-major order, channels fastest (NHWC).
public enum SampleShape: Hashable, Sendable, CustomStringConvertible {
    /// An image `(height, width, channels)`: IDX images `(N, H, W)` are `(H, W, 1)`, a `.npy` of shape
    /// `(N, H, W, C)` is `(H, W, C)`, the bundled digits are `(8, 8, 1)`.
    case image(height: Int, width: Int, channels: Int)
    /// A signal `(time, channels)`: a `.npy` of shape `(N, T, C)`.
    case signal(length: Int, channels: Int)

    /// The number of features: `H·W·C` or `T·C`.
    public var count: Int {
        switch self {
        case .image(let height, let width, let channels): height * width * channels
        case .signal(let length, let channels): length * channels
        }
    }

    public var description: String {
        switch self {
        case .image(let height, let width, let channels): "(\(height), \(width), \(channels))"
        case .signal(let length, let channels): "(\(length), \(channels))"
        }
    }

    /// An IDX file's sample dimensions: `[H, W]` is the image `(H, W, 1)`, `[H, W, C]` the image `(H, W, C)`.
    static func idx(_ dimensions: [Int]?) -> SampleShape? {
        switch dimensions?.count {
        case 2: .image(height: dimensions![0], width: dimensions![1], channels: 1)
        case 3: .image(height: dimensions![0], width: dimensions![1], channels: dimensions![2])
        default: nil
        }
    }

    /// A `.npy` array's sample dimensions: `[T, C]` is the signal `(T, C)`, `[H, W, C]` the image `(H, W, C)`.
    static func npy(_ dimensions: [Int]?) -> SampleShape? {
        switch dimensions?.count {
        case 2: .signal(length: dimensions![0], channels: dimensions![1])
        case 3: .image(height: dimensions![0], width: dimensions![1], channels: dimensions![2])
        default: nil
        }
    }
}
