public import Tensors

extension MLP {
    /// Back-propagates `dOutput = ∂L/∂Z_{L−1} (batch, outputs)` and writes `∂L/∂θ` into `gradient`
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
        let sizes = architecture.sizes
        let batch = pass.batch
        let layerCount = architecture.layerCount
        precondition(
            dOutput.rows == batch && dOutput.columns == architecture.outputs,
            "MLP.backward: dOutput is \(dOutput.shapeDescription), output is \(pass.output.shapeDescription)")
        precondition(g.count == layout.count, "MLP.backward: \(g.count) gradient slots for \(layout.count) parameters")
        let ones = [Scalar](repeating: 1, count: batch)
        var dZ = dOutput
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let (weightView, biasView) = layout.views(ofLayer: l)
            let layerInput = pass.layerInput(l)
            dZ.storage.withUnsafeBufferPointer { dz in
                layerInput.storage.withUnsafeBufferPointer { x in
                    do {
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
            }
            layerCompleted(l)
            guard l > 0 else { break }
            var dA = Matrix<Scalar>(rows: batch, columns: inputs)
            dZ.storage.withUnsafeBufferPointer { dz in
                parameters.values.withUnsafeBufferPointer { theta in
                    dA.storage.withUnsafeMutableBufferPointer { da in
                        BLAS.gemm(
                            .none, .none, m: batch, n: inputs, k: outputs, alpha: 1, a: dz.baseAddress!,
                            lda: outputs, b: theta.baseAddress! + weightView.offset, ldb: inputs, beta: 0,
                            c: da.baseAddress!, ldc: inputs)
                    }
                }
            }
            pass.preactivations[l - 1].storage.withUnsafeBufferPointer { z in
                pass.activations[l - 1].storage.withUnsafeBufferPointer { a in
                    dA.storage.withUnsafeMutableBufferPointer { da in
                        architecture.activation.backward(
                            z: z, a: a, dA: UnsafeBufferPointer(da), into: da)
                    }
                }
            }
            dZ = dA
        }
    }
}
