public import Tensors

extension MLP {
    /// Back-propagates `dOutput = ∂L/∂(output) (batch, outputs)` and writes `∂L/∂θ` into `gradient`
    /// (overwriting it), in the parameter layout.
    ///
    /// For l = L−1 … 0, with `dZ_l (batch, sizes[l + 1])`:
    /// - `dW_l = dZ_lᵀ·A_{l−1}` (outputs, inputs)
    /// - `db_l = dZ_lᵀ·1` (outputs)
    /// - `dA_{l−1} = dZ_l·W_l` (batch, inputs) and `dZ_{l−1} = dA_{l−1} ⊙ φ'(Z_{l−1})`
    ///
    /// `layerCompleted(l)` is called as soon as layer l's gradient is final, last layer first, so a
    /// data-parallel trainer can start all-reducing it while the earlier layers are still being computed.
    public func backward(
        _ pass: ForwardPass<Scalar>, dOutput: Matrix<Scalar>, into gradient: inout ParameterBuffer<Scalar>,
        layerCompleted: (Int) -> Void = { _ in }
    ) {
        precondition(gradient.layout == layout, "MLP.backward: the gradient buffer has another layout")
        gradient.values.withUnsafeMutableBufferPointer { g in
            backward(pass, dOutput: dOutput, into: g, layerCompleted: layerCompleted)
        }
    }

    /// As `backward(_:dOutput:into:layerCompleted:)`, writing into raw storage of the parameters' layout.
    /// The storage stays valid (and unmoved) for the whole call, so `layerCompleted` may start a
    /// non-blocking collective on the part that is final.
    public func backward(
        _ pass: ForwardPass<Scalar>, dOutput: Matrix<Scalar>, into g: UnsafeMutableBufferPointer<Scalar>,
        layerCompleted: (Int) -> Void = { _ in }
    ) {
        precondition(g.count == layout.count, "MLP.backward: \(g.count) gradient slots for \(layout.count) parameters")
        parameters.values.withUnsafeBufferPointer { theta in
            architecture.backward(
                pass, dOutput: dOutput, parameters: theta, layout: layout, into: g, layerCompleted: layerCompleted)
        }
    }
}

extension MLPArchitecture {
    /// The backward pass over parameters and gradient stored anywhere (see `forward(_:parameters:layout:into:)`).
    /// `dOutput` is the gradient with respect to the pass's `output`: the last pre-activation, or for an
    /// architecture that activates its last layer, the last activation.
    ///
    /// `adjoint(l, dZ_l, dA_l)`, when given, receives each layer's pre-activation adjoint `∂L/∂Z_l` and, for
    /// layers followed by the activation, `∂L/∂A_l` (the curvature code needs both).
    public func backward<Scalar: BLASScalar>(
        _ pass: ForwardPass<Scalar>, dOutput: Matrix<Scalar>, parameters theta: UnsafeBufferPointer<Scalar>,
        layout: ParameterLayout, into g: UnsafeMutableBufferPointer<Scalar>, layerCompleted: (Int) -> Void = { _ in },
        adjoint: ((Int, Matrix<Scalar>, Matrix<Scalar>?) -> Void)? = nil
    ) {
        let batch = pass.batch
        precondition(
            dOutput.rows == batch && dOutput.columns == outputs,
            "MLP.backward: dOutput is \(dOutput.shapeDescription), output is \(pass.output.shapeDescription)")
        let ones = [Scalar](repeating: 1, count: batch)
        var dZ = dOutput
        var dA: Matrix<Scalar>? = nil
        if activatesLastLayer {
            dA = dOutput
            applyActivationDerivative(pass, layer: layerCount - 1, to: &dZ)
        }
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            adjoint?(l, dZ, dA)
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let (weightView, biasView) = layout.views(ofLayer: l)
            let layerInput = pass.layerInput(l)
            dZ.storage.withUnsafeBufferPointer { dz in
                layerInput.storage.withUnsafeBufferPointer { x in
                    BLAS.gemm(
                        .transposed, .none, m: outputs, n: inputs, k: batch, alpha: 1, a: dz.baseAddress!,
                        lda: outputs, b: x.baseAddress!, ldb: inputs, beta: 0,
                        c: g.baseAddress! + weightView.offset, ldc: inputs)
                    if let biasView {
                        ones.withUnsafeBufferPointer { one in
                            BLAS.gemv(
                                .transposed, m: batch, n: outputs, alpha: 1, a: dz.baseAddress!,
                                x: one.baseAddress!, beta: 0, y: g.baseAddress! + biasView.offset)
                        }
                    }
                }
            }
            layerCompleted(l)
            guard l > 0 else { break }
            var upstream = Matrix<Scalar>(rows: batch, columns: inputs)
            dZ.storage.withUnsafeBufferPointer { dz in
                upstream.storage.withUnsafeMutableBufferPointer { da in
                    BLAS.gemm(
                        .none, .none, m: batch, n: inputs, k: outputs, alpha: 1, a: dz.baseAddress!,
                        lda: outputs, b: theta.baseAddress! + weightView.offset, ldb: inputs, beta: 0,
                        c: da.baseAddress!, ldc: inputs)
                }
            }
            if adjoint != nil { dA = upstream }
            applyActivationDerivative(pass, layer: l - 1, to: &upstream)
            dZ = upstream
        }
    }

    /// `d ← d ⊙ φ'(Z_layer)`: from the gradient of `A_layer` to that of `Z_layer`.
    func applyActivationDerivative<Scalar: BLASScalar>(
        _ pass: ForwardPass<Scalar>, layer: Int, to d: inout Matrix<Scalar>
    ) {
        pass.preactivations[layer].storage.withUnsafeBufferPointer { z in
            pass.activations[layer].storage.withUnsafeBufferPointer { a in
                d.storage.withUnsafeMutableBufferPointer { dp in
                    activation.backward(z: z, a: a, dA: UnsafeBufferPointer(dp), into: dp)
                }
            }
        }
    }
}
