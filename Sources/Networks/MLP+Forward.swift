public import Tensors

/// What the forward pass keeps for the backward pass.
///
/// For layer l: `preactivations[l]` is `Z_l (batch, sizes[l + 1])`; `activations[l] = φ(Z_l)` exists for
/// the hidden layers l < L − 1 only, since the output layer is linear and its output is `Z_{L−1}`.
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

    /// The network's output `(batch, outputs)`: the last layer's pre-activation.
    public var output: Matrix<Scalar> { preactivations[preactivations.count - 1] }
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
    ///
    /// `Z_l = A_{l−1}·W_lᵀ + 1·b_lᵀ` is one GEMM on top of rows pre-filled with the bias (β = 1).
    public func forward(_ input: Matrix<Scalar>, into pass: inout ForwardPass<Scalar>) {
        let sizes = architecture.sizes
        precondition(
            input.columns == sizes[0], "MLP.forward: input is \(input.shapeDescription), the network takes \(sizes[0])")
        let batch = input.rows
        let layerCount = architecture.layerCount
        pass.input = input
        if pass.preactivations.count != layerCount || pass.preactivations.first?.rows != batch {
            pass.preactivations = (0..<layerCount).map { Matrix(rows: batch, columns: sizes[$0 + 1]) }
            pass.activations = (0..<(layerCount - 1)).map { Matrix(rows: batch, columns: sizes[$0 + 1]) }
        }
        for l in 0..<layerCount {
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let (weightView, biasView) = layout.views(ofLayer: l)
            parameters.values.withUnsafeBufferPointer { theta in
                let layerInput = l == 0 ? pass.input : pass.activations[l - 1]
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
            }
            if l < layerCount - 1 {
                let z = pass.preactivations[l]
                z.storage.withUnsafeBufferPointer { zp in
                    pass.activations[l].storage.withUnsafeMutableBufferPointer { ap in
                        architecture.activation.forward(zp, into: ap)
                    }
                }
            }
        }
    }
}
