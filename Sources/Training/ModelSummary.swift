public import Configuration
import Methods
import Networks

/// The model summary `partita config` prints: the configured network (`model.layers`, or the MLP of
/// `model.hidden` as dense and activation layers) on the data's sample shape, one row per layer.
public enum ModelSummary {
    /// The summary's lines; throws what training would throw first: a data error, or a layer that does not
    /// fit (one line naming the layer, the shapes and the fix).
    public static func lines(_ config: ResolvedConfig) throws -> [String] {
        let settings = try config.typed()
        let data = try DataPipeline.prepare(settings)
        let stack =
            try ModelFactory.stack(settings, data: data)
            ?? LayerStack.mlp(try ModelFactory.architecture(settings, data: data))
        return stack.summaryTable(bytesPerParameter: settings.model.dtype == .float64 ? 8 : 4)
    }
}
