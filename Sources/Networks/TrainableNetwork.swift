public import Tensors

/// What one forward pass keeps for the backward pass (`ForwardPass` of an `MLP`, `LayerStackPass` of a
/// `Sequential`): a fresh one is empty and is filled by `TrainableNetwork.forward(_:into:)`.
public protocol NetworkPass<Scalar>: Sendable {
    associatedtype Scalar: BLASScalar
    init()
    /// The network's output `(N, outputs)`.
    var output: Matrix<Scalar> { get }
}

extension ForwardPass: NetworkPass {}
extension LayerStackPass: NetworkPass {}

/// A network whose parameters are one flat `ParameterBuffer` and whose gradient comes from one forward and
/// one backward pass: what the data-parallel step (`GradientBuckets.backwardAndSum` in `Methods`) trains.
/// `MLP` and `Sequential` (a `LayerStack` of convolutional layers) conform.
public protocol TrainableNetwork<Scalar>: Sendable {
    associatedtype Scalar: BLASScalar
    associatedtype Pass: NetworkPass<Scalar>

    var parameters: ParameterBuffer<Scalar> { get set }
    var layout: ParameterLayout { get }
    /// Outputs per sample (the loss's input width).
    var outputCount: Int { get }
    /// Runs the network on `input (N, inputs)`, reusing `pass`'s storage when it can.
    func forward(_ input: Matrix<Scalar>, into pass: inout Pass)
    /// Back-propagates `dOutput (N, outputCount)` from `pass`, overwriting `g` (the layout's storage) with
    /// `∂L/∂θ`. `layerCompleted(l)` is called, last layer first, once the gradient of the tensors whose
    /// `ParameterView.layer` is l is final (never for a layer without parameters); `g` stays valid and
    /// unmoved for the whole call, so the callback may start a non-blocking collective on it.
    func backpropagate(
        _ pass: Pass, dOutput: Matrix<Scalar>, into g: UnsafeMutableBufferPointer<Scalar>,
        layerCompleted: (Int) -> Void)
}

extension TrainableNetwork {
    /// `backpropagate` into a buffer of the network's layout.
    public func backpropagate(
        _ pass: Pass, dOutput: Matrix<Scalar>, into gradient: inout ParameterBuffer<Scalar>,
        layerCompleted: (Int) -> Void = { _ in }
    ) {
        precondition(gradient.layout == layout, "backpropagate: the gradient buffer has another layout")
        gradient.values.withUnsafeMutableBufferPointer { g in
            backpropagate(pass, dOutput: dOutput, into: g, layerCompleted: layerCompleted)
        }
    }
}

extension MLP: TrainableNetwork {
    public var outputCount: Int { architecture.outputs }

    public func backpropagate(
        _ pass: ForwardPass<Scalar>, dOutput: Matrix<Scalar>, into g: UnsafeMutableBufferPointer<Scalar>,
        layerCompleted: (Int) -> Void
    ) {
        backward(pass, dOutput: dOutput, into: g, layerCompleted: layerCompleted)
    }
}

extension Sequential: TrainableNetwork {
    public var outputCount: Int { stack.outputShape.count }

    public func backpropagate(
        _ pass: LayerStackPass<Scalar>, dOutput: Matrix<Scalar>, into g: UnsafeMutableBufferPointer<Scalar>,
        layerCompleted: (Int) -> Void
    ) {
        backward(pass, dOutput: dOutput, into: g, layerCompleted: layerCompleted)
    }
}
