public import Checkpoints
import Configuration
public import Methods
public import Networks
import Optimizers
import Tensors

extension CheckpointFile {
    /// The checkpoint's model as a plain MLP of its config's architecture. For an Alrao checkpoint, that is
    /// the body with the most probable output copy as the last layer (the inference and export choice of
    /// docs/methods/alrao.md); for every other method, the parameters as they are.
    public func plainModel<Scalar: TrainingScalar>(
        data: PreparedData, as type: Scalar.Type = Scalar.self
    ) throws -> MLP<Scalar> {
        let settings = try config.typed()
        let architecture = try ModelFactory.architecture(settings, data: data)
        guard settings.optimizer.name == .alrao else {
            return MLP(architecture, parameters: try parameters(layout: architecture.layout, as: Scalar.self))
        }
        let method = try MethodFactory.method(config, data: data, as: Scalar.self)
        guard let alrao = method as? AlraoMethod<Scalar> else {
            throw ConfigError(location: path, message: "an alrao config did not build an Alrao method")
        }
        alrao.parameters = try parameters(layout: alrao.parameters.layout, as: Scalar.self)
        try alrao.restore(try optimizerState(layout: alrao.parameters.layout, as: Scalar.self).state)
        var plain = ParameterBuffer<Scalar>(layout: architecture.layout)
        let bodyLayers = architecture.layerCount - 1
        for view in architecture.layout.views {
            let source =
                view.layer < bodyLayers
                ? view.name : "copies.\(alrao.mostProbableCopy).\(view.role == .weight ? "weight" : "bias")"
            plain[view] = alrao.parameters[source]
        }
        return MLP(architecture, parameters: plain)
    }
}
