public import Tensors

/// A `LayerStack` with its parameters in one flat `ParameterBuffer` (as `MLP` is an `MLPArchitecture`
/// with its parameters). The buffer's layout is the stack's: `layers.N.weight`, `layers.N.bias`.
public struct Sequential<Scalar: BLASScalar>: Sendable {
    public let stack: LayerStack
    public var parameters: ParameterBuffer<Scalar>

    /// A freshly initialized network (see `LayerStack.initialParameters` for the streams).
    public init(_ stack: LayerStack, initialization: Initialization, seed: UInt64) {
        self.stack = stack
        self.parameters = stack.initialParameters(initialization, seed: seed)
    }

    /// A network over given parameters, which must have the stack's layout.
    public init(_ stack: LayerStack, parameters: ParameterBuffer<Scalar>) {
        precondition(parameters.layout == stack.layout, "Sequential: parameters do not have the stack's layout")
        self.stack = stack
        self.parameters = parameters
    }

    public var layout: ParameterLayout { parameters.layout }

    /// Runs the network on `input (N, inputShape.count)`.
    public func forward(_ input: Matrix<Scalar>) -> LayerStackPass<Scalar> {
        var pass = LayerStackPass<Scalar>()
        forward(input, into: &pass)
        return pass
    }

    /// Runs the network on `input`, reusing `pass`'s storage when the batch fits.
    public func forward(_ input: Matrix<Scalar>, into pass: inout LayerStackPass<Scalar>) {
        parameters.values.withUnsafeBufferPointer { theta in
            stack.forward(input, parameters: theta, into: &pass)
        }
    }

    /// Back-propagates `dOutput (N, outputShape.count)`, overwriting `gradient` with `∂L/∂θ`; returns
    /// `∂L/∂X` when `inputGradient` is set. See `LayerStack.backward`.
    @discardableResult
    public func backward(
        _ pass: LayerStackPass<Scalar>, dOutput: Matrix<Scalar>, into gradient: inout ParameterBuffer<Scalar>,
        inputGradient: Bool = false, layerCompleted: (Int) -> Void = { _ in }
    ) -> Matrix<Scalar>? {
        precondition(gradient.layout == layout, "Sequential.backward: the gradient buffer has another layout")
        return gradient.values.withUnsafeMutableBufferPointer { g in
            backward(pass, dOutput: dOutput, into: g, inputGradient: inputGradient, layerCompleted: layerCompleted)
        }
    }

    /// As `backward(_:dOutput:into:inputGradient:layerCompleted:)`, into raw storage of the layout (which
    /// stays valid and unmoved for the whole call, so `layerCompleted` may start a non-blocking collective).
    @discardableResult
    public func backward(
        _ pass: LayerStackPass<Scalar>, dOutput: Matrix<Scalar>, into g: UnsafeMutableBufferPointer<Scalar>,
        inputGradient: Bool = false, layerCompleted: (Int) -> Void = { _ in }
    ) -> Matrix<Scalar>? {
        parameters.values.withUnsafeBufferPointer { theta in
            stack.backward(
                pass, dOutput: dOutput, parameters: theta, into: g, inputGradient: inputGradient,
                layerCompleted: layerCompleted)
        }
    }
}
