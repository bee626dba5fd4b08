public import Tensors

/// What the forward pass keeps for the backward pass.
///
/// For layer l: `preactivations[l]` is `Z_l (batch, sizes[l + 1])`; `activations[l] = φ(Z_l)` exists for
/// the layers followed by the activation (all hidden layers, and the last one of a body network).
public struct ForwardPass<Scalar: BLASScalar>: Sendable {
    /// `X (batch, inputs)`.
    public internal(set) var input: Matrix<Scalar>
    public internal(set) var preactivations: [Matrix<Scalar>]
    public internal(set) var activations: [Matrix<Scalar>]

    public init() {
        input = Matrix(rows: 0, columns: 0)
        preactivations = []
        activations = []
    }

    /// The network's output `(batch, outputs)`: the last layer's pre-activation, or its activation when
    /// the architecture activates its last layer.
    public var output: Matrix<Scalar> {
        activations.count == preactivations.count
            ? activations[activations.count - 1] : preactivations[preactivations.count - 1]
    }
    public var batch: Int { input.rows }

    /// The input of layer l: `X` for l = 0, `A_{l−1}` otherwise.
    public func layerInput(_ l: Int) -> Matrix<Scalar> { l == 0 ? input : activations[l - 1] }
}

extension MLP {
    /// Runs the network on `input (batch, inputs)`.
    public func forward(_ input: Matrix<Scalar>) -> ForwardPass<Scalar> {
        var pass = ForwardPass<Scalar>()
        forward(input, into: &pass)
        return pass
    }

    /// Runs the network on `input (batch, inputs)`, reusing `pass`'s storage when its shapes fit.
    public func forward(_ input: Matrix<Scalar>, into pass: inout ForwardPass<Scalar>) {
        parameters.values.withUnsafeBufferPointer { theta in
            architecture.forward(input, parameters: theta, layout: layout, into: &pass)
        }
    }
}

extension MLPArchitecture {
    /// The forward pass over parameters stored anywhere: `parameters` holds at least the views `layout`
    /// gives for layers 0..<layerCount (a larger model may keep more tensors after them).
    ///
    /// `Z_l = A_{l−1}·W_lᵀ + 1·b_lᵀ` is one GEMM on top of rows pre-filled with the bias (β = 1).
    public func forward<Scalar: BLASScalar>(
        _ input: Matrix<Scalar>, parameters theta: UnsafeBufferPointer<Scalar>, layout: ParameterLayout,
        into pass: inout ForwardPass<Scalar>
    ) {
        precondition(
            input.columns == sizes[0], "MLP.forward: input is \(input.shapeDescription), the network takes \(sizes[0])")
        let batch = input.rows
        pass.input = input
        if pass.preactivations.count != layerCount || pass.preactivations.first?.rows != batch
            || pass.activations.count != activatedLayerCount
        {
            pass.preactivations = (0..<layerCount).map { Matrix(rows: batch, columns: sizes[$0 + 1]) }
            pass.activations = (0..<activatedLayerCount).map { Matrix(rows: batch, columns: sizes[$0 + 1]) }
        }
        for l in 0..<layerCount {
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let (weightView, biasView) = layout.views(ofLayer: l)
            let layerInput = pass.layerInput(l)
            layerInput.storage.withUnsafeBufferPointer { x in
                pass.preactivations[l].storage.withUnsafeMutableBufferPointer { z in
                    if let biasView {
                        for row in 0..<batch {
                            for o in 0..<outputs { z[row * outputs + o] = theta[biasView.offset + o] }
                        }
                    }
                    BLAS.gemm(
                        .none, .transposed, m: batch, n: outputs, k: inputs, alpha: 1, a: x.baseAddress!,
                        lda: inputs, b: theta.baseAddress! + weightView.offset, ldb: inputs,
                        beta: biasView == nil ? 0 : 1, c: z.baseAddress!, ldc: outputs)
                }
            }
            if l < activatedLayerCount {
                let z = pass.preactivations[l]
                z.storage.withUnsafeBufferPointer { zp in
                    pass.activations[l].storage.withUnsafeMutableBufferPointer { ap in
                        activation.forward(zp, into: ap)
                    }
                }
            }
        }
    }
}
