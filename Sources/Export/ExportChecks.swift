public import Networks
public import Tensors

/// Checks on a float model before it is quantized, each failing with one `ExportError` line that names the
/// tensor: quantization of a NaN or infinite weight would otherwise trap (a float-to-integer conversion),
/// and an all-zero weight matrix would make an int8 layer whose output is a constant.
public enum ExportChecks {
    /// Throws `nonFiniteParameter` for the first NaN or ±∞ parameter, naming `source` (the checkpoint's
    /// path, or the stage that produced the parameters) and the tensor: `tensorPrefix` + the view's name
    /// (`model.` + `layers.0.weight` is the checkpoint's tensor name).
    public static func requireFinite<Scalar: BLASScalar>(
        _ parameters: ParameterBuffer<Scalar>, source: String, tensorPrefix: String = ""
    ) throws(ExportError) {
        for view in parameters.layout.views {
            let values = parameters.values[view.range]
            guard let index = values.firstIndex(where: { !$0.isFinite }) else { continue }
            throw .nonFiniteParameter(
                source: source, tensor: tensorPrefix + view.name, index: index - view.offset, value: "\(values[index])")
        }
    }

    /// Throws `emptyLayer` when pruning (`request`, e.g. `--prune sparsity=0.999 --prune-scope global`)
    /// left a weight matrix with no non-zero entry.
    public static func requireNonEmptyLayers<Scalar: BLASScalar>(_ model: MLP<Scalar>, request: String)
        throws(ExportError)
    {
        for l in 0..<model.architecture.layerCount {
            let view = model.layout.views(ofLayer: l).weight
            if model.parameters.values[view.range].allSatisfy({ $0 == 0 }) {
                throw .emptyLayer(layer: l, tensor: view.name, request: request)
            }
        }
    }
}
