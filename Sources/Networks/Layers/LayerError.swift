/// Why a layer stack was rejected: found from the shapes alone, before any data is read or any step runs.
/// Each description is one line naming the layer index, its settings, the shapes and the fix.
public enum LayerError: Error, CustomStringConvertible, Equatable {
    case empty
    /// A size or stride that is not positive.
    case invalidSetting(layer: Int, settings: String, problem: String)
    /// A `valid` kernel or pool window larger than its input.
    case windowLargerThanInput(layer: Int, settings: String, window: Size2D, input: TensorShape, isPool: Bool)
    /// A dense layer whose input is an image or a signal.
    case needsFlatten(layer: Int, settings: String, input: TensorShape)
    /// A spatial layer whose input is a vector.
    case needsSpatialInput(layer: Int, settings: String, input: TensorShape)
    /// A `conv2d` whose input is a signal.
    case needsImage(layer: Int, settings: String, input: TensorShape)
    /// A `conv1d` whose input is an image.
    case needsSignal(layer: Int, settings: String, input: TensorShape)
    /// A window of height other than 1 over a signal.
    case windowTallerThanSignal(layer: Int, settings: String, window: Size2D, input: TensorShape)

    public var description: String {
        switch self {
        case .empty:
            return "the model has no layers; give at least one (e.g. dense 10)"
        case .invalidSetting(let layer, let settings, let problem):
            return "layer \(layer) (\(settings)): \(problem)"
        case .windowLargerThanInput(let layer, let settings, let window, let input, let isPool):
            let what = isPool ? "pool" : "kernel"
            let fix =
                isPool
                ? "use padding same, a smaller pool, or remove it"
                : "use padding same, a smaller kernel, or fewer pooling layers before it"
            return "layer \(layer) (\(settings)): the \(window) \(what) is larger than its input \(input); \(fix)"
        case .needsFlatten(let layer, let settings, let input):
            return "layer \(layer) (\(settings)): its input is \(input) but dense takes a vector; "
                + "insert flatten (or global_average_pool) before layer \(layer)"
        case .needsSpatialInput(let layer, let settings, let input):
            return "layer \(layer) (\(settings)): its input is the vector \(input) but this layer takes "
                + "(height, width, channels) or (time, channels); give the input as an image or a signal, "
                + "or remove the layer"
        case .needsImage(let layer, let settings, let input):
            return "layer \(layer) (\(settings)): its input is the signal \(input) but conv2d takes "
                + "(height, width, channels); use conv1d for (time, channels)"
        case .needsSignal(let layer, let settings, let input):
            return "layer \(layer) (\(settings)): its input is the image \(input) but conv1d takes "
                + "(time, channels); use conv2d for (height, width, channels)"
        case .windowTallerThanSignal(let layer, let settings, let window, let input):
            return "layer \(layer) (\(settings)): its input is the signal \(input), so the window height must "
                + "be 1, not \(window.height); use a 1×\(window.width) window (max_pool1d, average_pool1d)"
        }
    }
}
