/// Why a model cannot be pruned, quantized or emitted as requested. Each case describes itself in one line.
public enum ExportError: Error, CustomStringConvertible, Equatable {
    /// A request that cannot be met, e.g. a sparsity of 1.2; `what` names the flag or key.
    case invalidRequest(what: String, problem: String)
    /// The model's shape does not allow the request (no hidden layer to prune, an empty layer).
    case unsupportedModel(String)
    /// A layer whose int32 accumulator could overflow: `|bias| + 256·Σ|w|` reaches 2^31.
    case accumulatorOverflow(layer: Int, channel: Int, bound: Int64)
    /// A requantization multiplier outside the range the kernels shift by.
    case multiplierOutOfRange(layer: Int, channel: Int, multiplier: Double)
    /// A tool (compiler, size) that failed.
    case toolFailed(tool: String, message: String)
    /// A parameter that is NaN or infinite: `source` names the checkpoint (or the stage that produced the
    /// model), `tensor` the parameter tensor, `index` the element's flat index in it.
    case nonFiniteParameter(source: String, tensor: String, index: Int, value: String)
    /// Pruning left a layer with no non-zero weight: its output no longer depends on its input.
    case emptyLayer(layer: Int, tensor: String, request: String)

    public var description: String {
        switch self {
        case .invalidRequest(let what, let problem): "\(what): \(problem)"
        case .unsupportedModel(let problem): "cannot export this model: \(problem)"
        case .accumulatorOverflow(let layer, let channel, let bound):
            "layer \(layer), output \(channel): the int32 accumulator could overflow (|bias| + 256·Σ|w| = \(bound) "
                + "≥ 2^31); the bias is too large for its scale"
        case .multiplierOutOfRange(let layer, let channel, let multiplier):
            "layer \(layer), output \(channel): requantization multiplier \(multiplier) is outside the range the "
                + "kernels support (below 2^30)"
        case .toolFailed(let tool, let message): "\(tool) failed: \(message)"
        case .nonFiniteParameter(let source, let tensor, let index, let value):
            "\(source): tensor \(tensor) holds \(value) at element \(index); int8 export needs finite weights "
                + "(the run diverged: resume from an earlier checkpoint or lower the learning rate)"
        case .emptyLayer(let layer, let tensor, let request):
            "\(request) leaves layer \(layer) (\(tensor)) without a single non-zero weight, so its output would not "
                + "depend on its input; prune less or use --prune-scope layer"
        }
    }
}
