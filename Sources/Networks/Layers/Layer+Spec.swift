/// The one-line layer specs of `model.layers` (docs/configuration.md), one string per layer, words
/// separated by spaces; sizes are `K` (square) or `KHxKW` (`×` also accepted), padding defaults to `valid`
/// and a pool's stride to its size:
///
/// | spec | layer |
/// |---|---|
/// | `dense 120 [no-bias]` | `Dense` |
/// | `conv2d 6 5x5 [stride 2] [same\|valid] [no-bias]` | `Conv2D` (filters, kernel) |
/// | `conv1d 16 5 [stride 2] [same\|valid] [no-bias]` | `Conv1D` (filters, kernel) over a signal |
/// | `depthwise 3x3 [stride 2] [same\|valid] [no-bias]` (or `depthwise_conv2d`) | `DepthwiseConv2D` |
/// | `maxpool 2 [stride 1] [same\|valid]` (or `max_pool2d`), `avgpool ...` (or `average_pool2d`) | pools |
/// | `maxpool1d 2`, `avgpool1d 2` (or `max_pool1d`, `average_pool1d`) | pools over a signal |
/// | `globalavgpool` (or `global_average_pool`), `flatten`, `relu6` | |
/// | `relu`, `tanh`, `silu`, `elu`, `gelu`, `softplus`, `sigmoid`, `identity`, `weibull-odd`, `weibull-positive` | activation |
extension Layer {
    /// Parses spec `text` of layer `index` (for the error); the Weibull activations take `weibullTheta`.
    public init(spec text: String, index: Int, weibullTheta: Double = 3) throws(LayerError) {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        func fail(_ problem: String) -> LayerError { .invalidSetting(layer: index, settings: text, problem: problem) }
        guard !words.isEmpty else { throw fail("an empty layer spec; e.g. dense 10, conv2d 6 5x5 same, flatten") }
        let kind = words.removeFirst().lowercased()
        var options = SpecOptions()
        func positive(_ word: String?, _ what: String) throws(LayerError) -> Int {
            guard let word, let value = Int(word), value > 0 else {
                throw fail("\(kind) needs \(what) (a positive integer), got \(word.map { "'\($0)'" } ?? "nothing")")
            }
            return value
        }
        func size(_ word: String?, _ what: String) throws(LayerError) -> Size2D {
            guard let word else { throw fail("\(kind) needs \(what) (K or KHxKW), got nothing") }
            let parts = word.lowercased().split(
                omittingEmptySubsequences: false, whereSeparator: { $0 == "x" || $0 == "×" }
            )
            .map { Int($0) }
            switch parts.count {
            case 1: if let k = parts[0], k > 0 { return .square(k) }
            case 2: if let h = parts[0], let w = parts[1], h > 0, w > 0 { return Size2D(h, w) }
            default: break
            }
            throw fail("\(kind) needs \(what) as K or KHxKW (e.g. 5x5), got '\(word)'")
        }
        /// The words after the required ones: `stride S`, `same`/`valid`, `no-bias` where allowed.
        func parseOptions(allowBias: Bool) throws(LayerError) {
            var rest = words[...]
            while let word = rest.popFirst() {
                switch word.lowercased() {
                case "same": options.padding = .same
                case "valid": options.padding = .valid
                case "no-bias" where allowBias: options.bias = false
                case "stride": options.stride = try size(rest.popFirst(), "a stride")
                default:
                    throw fail(
                        "unknown option '\(word)'; \(kind) takes stride S, same or valid"
                            + (allowBias ? ", no-bias" : ""))
                }
            }
        }
        switch kind {
        case "dense":
            let outputs = try positive(words.first, "an output count")
            words.removeFirst()
            if let extra = words.first, extra != "no-bias" || words.count > 1 {
                throw fail("unknown option '\(extra)'; dense takes an output count and optionally no-bias")
            }
            self = .dense(Dense(outputs, bias: words.isEmpty))
        case "conv2d", "conv1d":
            let filters = try positive(words.first, "a filter count")
            words.removeFirst()
            if kind == "conv1d" {
                let kernel = try positive(words.first, "a kernel length")
                words.removeFirst()
                try parseOptions(allowBias: true)
                guard options.stride.height == 1 || options.stride.width == options.stride.height else {
                    throw fail("conv1d takes one stride S, got \(options.stride)")
                }
                self = .conv1D(
                    Conv1D(
                        filters: filters, kernel: kernel, stride: options.stride.width, padding: options.padding,
                        bias: options.bias))
            } else {
                let kernel = try size(words.first, "a kernel size")
                words.removeFirst()
                try parseOptions(allowBias: true)
                self = .conv2D(
                    Conv2D(
                        filters: filters, kernel: kernel, stride: options.stride, padding: options.padding,
                        bias: options.bias))
            }
        case "depthwise", "depthwise_conv2d":
            let kernel = try size(words.first, "a kernel size")
            words.removeFirst()
            try parseOptions(allowBias: true)
            self = .depthwiseConv2D(
                DepthwiseConv2D(kernel: kernel, stride: options.stride, padding: options.padding, bias: options.bias))
        case "maxpool", "max_pool2d", "avgpool", "average_pool2d", "maxpool1d", "max_pool1d", "avgpool1d",
            "average_pool1d":
            let oneD = kind.contains("1d")
            let window =
                oneD ? Size2D(1, try positive(words.first, "a pool size")) : try size(words.first, "a pool size")
            words.removeFirst()
            options.stride = window
            try parseOptions(allowBias: false)
            let stride = oneD ? Size2D(1, options.stride.width) : options.stride
            let pool = Pool2D(size: window, stride: stride, padding: options.padding)
            self = kind.hasPrefix("max") ? .maxPool2D(pool) : .averagePool2D(pool)
        default:
            let simple: Set = ["globalavgpool", "global_average_pool", "flatten", "relu6"]
            guard simple.contains(kind) || Activation(name: kind, weibullTheta: weibullTheta) != nil else {
                throw fail(
                    "unknown layer '\(kind)'; the layers are dense, conv2d, conv1d, depthwise, maxpool, avgpool, "
                        + "maxpool1d, avgpool1d, globalavgpool, flatten, relu6 and the activations "
                        + Activation.names.joined(separator: ", "))
            }
            guard words.isEmpty else { throw fail("\(kind) takes no options, got '\(words.joined(separator: " "))'") }
            switch kind {
            case "globalavgpool", "global_average_pool": self = .globalAveragePool
            case "flatten": self = .flatten
            case "relu6": self = .relu6
            default:
                guard let activation = Activation(name: kind, weibullTheta: weibullTheta) else {
                    throw fail("unknown layer '\(kind)'")  // unreachable: checked above
                }
                self = .activation(activation)
            }
        }
    }
}

/// The optional words of a spec, with their defaults.
private struct SpecOptions {
    var stride = Size2D.square(1)
    var padding = Padding.valid
    var bias = true
}
