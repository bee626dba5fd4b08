public import Configuration
public import Networks
public import Optimizers
public import Tensors

/// The scalar types a checkpoint stores parameters in: BLAS computes with them and safetensors names them
/// (`Float` and `Double`).
public typealias CheckpointScalar = BLASScalar & SafeTensorsElement

/// Partita's checkpoint: a safetensors file holding the parameters, the optimizer state, the step and the
/// resolved config, written atomically.
///
/// Tensors (C order, the model's dtype unless stated):
/// - `model.<view>` for every parameter view, e.g. `model.layers.0.weight (outputs, inputs)`;
/// - `optimizer.<buffer>.<view>` for every optimizer buffer (momentum, Adam moments), same shapes;
/// - `optimizer.counter.<name>`, int64 of shape [] (e.g. Adam's step count);
/// - `optimizer.vector.<name>`, float64 of shape [n] (other state: Alrao's switch, grouped-Newton rates).
///
/// Metadata: `format` = `partita-checkpoint`, `format_version`, `step`, `dtype`, `optimizer`, `seed`,
/// `config` (the resolved YAML), `created_by`. No random-stream positions are stored: every stream is
/// addressed by (seed, purpose, step or epoch), so the step and the seed determine them all.
public struct CheckpointFile: Sendable {
    public static let format = "partita-checkpoint"
    public static let formatVersion = "1"

    public let contents: SafeTensors
    public let path: String
    public let step: Int
    public let dtype: String
    public let config: ResolvedConfig

    /// Reads and validates a checkpoint: a safetensors file with Partita's metadata and a readable config.
    public static func read(path: String) throws -> CheckpointFile {
        let contents = try SafeTensors.read(path: path)
        guard (try? contents.metadataValue(for: "format")) == format else {
            throw CheckpointError.invalidMetadataValue(
                path: path, key: "format", value: (try? contents.metadataValue(for: "format")) ?? "(missing)",
                problem: "not a Partita checkpoint (expected \(format))")
        }
        let stepText = try contents.metadataValue(for: "step")
        guard let step = Int(stepText), step >= 0 else {
            throw CheckpointError.invalidMetadataValue(
                path: path, key: "step", value: stepText, problem: "must be a non-negative integer")
        }
        let dtype = try contents.metadataValue(for: "dtype")
        guard dtype == Float.dtypeName || dtype == Double.dtypeName else {
            throw CheckpointError.invalidMetadataValue(
                path: path, key: "dtype", value: dtype, problem: "must be float32 or float64")
        }
        var config = ResolvedConfig()
        do {
            try ConfigLoader.apply(
                yaml: try contents.metadataValue(for: "config"), source: path + " (config)", to: &config)
            try ConfigLoader.checkCombinations(config)
        } catch let error as ConfigError {
            throw CheckpointError.invalidMetadataValue(
                path: path, key: "config", value: "…", problem: error.description)
        }
        return CheckpointFile(contents: contents, path: path, step: step, dtype: dtype, config: config)
    }

    /// The parameters in `layout`: every view must be present with its exact shape and the model's dtype.
    public func parameters<Scalar: CheckpointScalar>(
        layout: ParameterLayout, as type: Scalar.Type = Scalar.self
    ) throws(CheckpointError) -> ParameterBuffer<Scalar> {
        try buffer(prefix: "model.", layout: layout)
    }

    /// The optimizer state written with the parameters, for an optimizer over `layout`.
    public func optimizerState<Scalar: CheckpointScalar>(
        layout: ParameterLayout, as type: Scalar.Type = Scalar.self
    ) throws(CheckpointError) -> (name: String, state: OptimizerState<Scalar>) {
        let name = try contents.metadataValue(for: "optimizer")
        var state = OptimizerState<Scalar>()
        let bufferNames = Set(
            contents.names.filter {
                $0.hasPrefix("optimizer.") && !$0.hasPrefix("optimizer.counter.") && !$0.hasPrefix("optimizer.vector.")
            }
            .compactMap { $0.dropFirst("optimizer.".count).split(separator: ".").first.map(String.init) })
        for bufferName in bufferNames.sorted() {
            state.buffers[bufferName] = try buffer(prefix: "optimizer.\(bufferName).", layout: layout).values
        }
        for tensorName in contents.names where tensorName.hasPrefix("optimizer.counter.") {
            let values = try contents.values(tensorName, as: Int64.self)
            guard values.count == 1 else {
                throw CheckpointError.shapeMismatch(
                    path: path, tensor: tensorName, found: try contents.shape(of: tensorName), expected: [])
            }
            state.counters[String(tensorName.dropFirst("optimizer.counter.".count))] = values[0]
        }
        for tensorName in contents.names where tensorName.hasPrefix("optimizer.vector.") {
            state.vectors[String(tensorName.dropFirst("optimizer.vector.".count))] = try contents.values(
                tensorName, as: Double.self)
        }
        return (name, state)
    }

    func buffer<Scalar: CheckpointScalar>(
        prefix: String, layout: ParameterLayout
    ) throws(CheckpointError) -> ParameterBuffer<Scalar> {
        var buffer = ParameterBuffer<Scalar>(layout: layout)
        for view in layout.views {
            let name = prefix + view.name
            let shape = try contents.shape(of: name)
            guard shape == view.shape else {
                throw CheckpointError.shapeMismatch(path: path, tensor: name, found: shape, expected: view.shape)
            }
            buffer[view] = try contents.values(name, as: Scalar.self)
        }
        return buffer
    }

    /// A checkpoint's contents for the given state.
    public static func make<Scalar: CheckpointScalar>(
        step: Int, parameters: ParameterBuffer<Scalar>, optimizerName: String, optimizerState: OptimizerState<Scalar>,
        config: ResolvedConfig
    ) -> SafeTensors {
        var file = SafeTensors(metadata: [
            "format": format, "format_version": formatVersion, "step": String(step), "dtype": Scalar.dtypeName,
            "optimizer": optimizerName, "seed": String(config.seed), "config": config.yaml,
            "created_by": "partita \(PartitaVersion.string)",
        ])
        for view in parameters.layout.views {
            file.add(name: "model." + view.name, values: parameters[view], shape: view.shape)
        }
        for bufferName in optimizerState.buffers.keys.sorted() {
            let values = optimizerState.buffers[bufferName]!
            precondition(values.count == parameters.layout.count, "Checkpoint: buffer \(bufferName) has another layout")
            let buffer = ParameterBuffer(layout: parameters.layout, values: values)
            for view in parameters.layout.views {
                file.add(name: "optimizer.\(bufferName).\(view.name)", values: buffer[view], shape: view.shape)
            }
        }
        for vectorName in optimizerState.vectors.keys.sorted() {
            let values = optimizerState.vectors[vectorName]!
            file.add(name: "optimizer.vector.\(vectorName)", values: values, shape: [values.count])
        }
        for counterName in optimizerState.counters.keys.sorted() {
            file.add(
                name: "optimizer.counter.\(counterName)", values: [optimizerState.counters[counterName]!], shape: [])
        }
        return file
    }
}

/// The version of Partita, recorded in checkpoints and run.json.
public enum PartitaVersion {
    public static let string = "0.1.0"
}
