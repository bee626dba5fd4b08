public import Configuration
public import Networks

extension ModelFactory {
    /// The `LayerStack` of `model.layers` on the data's sample shape (`PreparedData.inputShape`), or nil when
    /// `model.layers` is empty (the MLP of `model.hidden`). Throws one line naming the layer, the shapes and
    /// the fix when a spec does not parse, a layer does not fit its input (`LayerError`), conv layers meet
    /// flat features, or the last layer's output is not one value per class or target, or the method or a diagnostic does not handle
    /// layer stacks yet.
    public static func stack(_ settings: Settings, data: PreparedData) throws(ConfigError) -> LayerStack? {
        let layers = try settings.model.layers()
        guard !layers.isEmpty else { return nil }
        guard [.sgd, .adam].contains(settings.optimizer.name) else {
            throw ConfigError(
                location: "optimizer.name",
                message: "\(settings.optimizer.name.rawValue) does not train model.layers yet (issue 15 adds Alrao "
                    + "and vi, issue 16 grouped-newton and gauss-newton); use sgd or adam, or model.hidden")
        }
        if settings.diagnostics.gaussianityEvery > 0 {
            throw ConfigError(
                location: "diagnostics.gaussianity_every",
                message: "the Gaussianity probe measures MLPs only for now (issue 15 adds conv layers); set it to 0 "
                    + "with model.layers")
        }
        let stack: LayerStack
        do {
            stack = try LayerStack(input: data.inputShape, layers: layers)
        } catch {
            var message = error.description
            if case .needsSpatialInput = error, !data.inputShape.isSpatial {
                message =
                    "\(message) (the data \(data.source.name) gives flat vectors of \(data.inputCount) features; "
                    + "images come from fashion-mnist, digits, IDX files (N, H, W) and .npy (N, H, W, C), signals "
                    + "from .npy (N, T, C))"
            }
            throw ConfigError(location: "model.layers", message: message)
        }
        let outputs = data.task.outputCount
        guard stack.outputShape == .vector(outputs) else {
            let last = stack.layers.count - 1
            throw ConfigError(
                location: "model.layers",
                message: "layer \(last) (\(stack.layers[last].settings)) outputs \(stack.outputShape) but the data is "
                    + "\(data.task), which needs (\(outputs)); end the layers with dense \(outputs)")
        }
        return stack
    }
}
