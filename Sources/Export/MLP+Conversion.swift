public import Networks
public import Tensors

extension MLP where Scalar == Float {
    /// The same network in `float32`: every parameter rounded to the nearest `Float`. Quantization starts
    /// from `float32`, as TFLite's converter does.
    public init<Source: BLASScalar>(converting model: MLP<Source>) {
        self.init(
            model.architecture,
            parameters: ParameterBuffer(layout: model.layout, values: model.parameters.values.map { Float($0) }))
    }
}
