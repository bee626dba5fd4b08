public import Tensors

extension LayerStack {
    /// Back-propagates `dOutput = ∂L/∂(output) (N, outputShape.count)` through the pass, writing `∂L/∂θ`
    /// into `g` (every parameter overwritten, in the stack's layout), and returns `∂L/∂X (N,
    /// inputShape.count)` when `inputGradient` is true.
    ///
    /// Per layer, from the last, with `dY` the gradient of its output and `X` its input:
    /// - dense: `dW = dYᵀ·X`, `db = dYᵀ·1`, `dX = dY·W`;
    /// - convolution: with `C = im2col(X) (N·OH·OW, kh·kw·C_in)` and `W` viewed as `(C_out, kh·kw·C_in)`,
    ///   `dW = dYᵀ·C`, `db = dYᵀ·1`, `dX = col2im(dY·W)` (for 1×1 stride 1, `C = X` and `dX = dY·W`);
    /// - depthwise, pools, flatten, activations: the adjoints written in `Kernels`.
    ///
    /// Layers below the first one with parameters are skipped unless `inputGradient` is set.
    /// `layerCompleted(l)` is called as soon as layer l's parameter gradient is final, last layer first,
    /// so a data-parallel trainer can start reducing it while the earlier layers are still computed.
    @discardableResult
    public func backward<Scalar: BLASScalar>(
        _ pass: LayerStackPass<Scalar>, dOutput: Matrix<Scalar>, parameters theta: UnsafeBufferPointer<Scalar>,
        into g: UnsafeMutableBufferPointer<Scalar>, inputGradient: Bool = false,
        layerCompleted: (Int) -> Void = { _ in }
    ) -> Matrix<Scalar>? {
        let batch = pass.batch
        precondition(
            pass.outputs.count == layers.count && dOutput.rows == batch && dOutput.columns == outputShape.count,
            "LayerStack.backward: dOutput is \(dOutput.shapeDescription), the output is (\(batch), \(outputShape.count))"
        )
        precondition(
            theta.count >= layout.count, "LayerStack.backward: \(theta.count) parameters, need \(layout.count)")
        precondition(g.count >= layout.count, "LayerStack.backward: \(g.count) gradient slots, need \(layout.count)")
        let lowest = inputGradient ? 0 : (parameterizedLayers.first ?? layers.count)
        var dY = dOutput
        for l in stride(from: layers.count - 1, through: lowest, by: -1) {
            let needsInputGradient = l > lowest || inputGradient
            var dX = Matrix<Scalar>(rows: needsInputGradient ? batch : 0, columns: inputShape(ofLayer: l).count)
            pass.layerInput(l).storage.withUnsafeBufferPointer { x in
                pass.outputs[l].storage.withUnsafeBufferPointer { y in
                    dY.storage.withUnsafeBufferPointer { dy in
                        dX.storage.withUnsafeMutableBufferPointer { dx in
                            backwardLayer(
                                l, batch: batch, x: x.baseAddress!, y: y.baseAddress!, dY: dy.baseAddress!,
                                theta: theta.baseAddress!, g: g.baseAddress!,
                                dX: needsInputGradient ? dx.baseAddress : nil, pass: pass)
                        }
                    }
                }
            }
            if weightViews[l] != nil { layerCompleted(l) }
            dY = dX
        }
        return inputGradient ? dY : nil
    }

    /// One layer's backward pass; `dX` is nil when the input gradient is not needed.
    func backwardLayer<Scalar: BLASScalar>(
        _ l: Int, batch: Int, x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>, dY: UnsafePointer<Scalar>,
        theta: UnsafePointer<Scalar>, g: UnsafeMutablePointer<Scalar>, dX: UnsafeMutablePointer<Scalar>?,
        pass: LayerStackPass<Scalar>
    ) {
        let count = batch * inputShape(ofLayer: l).count
        let weight = theta + (weightViews[l]?.offset ?? 0)
        let dWeight = g + (weightViews[l]?.offset ?? 0)
        let dBias = biasViews[l].map { g + $0.offset }
        switch steps[l] {
        case .dense(let inputs, let outputs):
            Kernels.denseWeightGradient(
                batch: batch, inputs: inputs, outputs: outputs, x: x, dY: dY, dWeight: dWeight, dBias: dBias)
            if let dX {
                Kernels.denseInputGradient(
                    batch: batch, inputs: inputs, outputs: outputs, weight: weight, dY: dY, dX: dX)
            }
        case .convolution(let geometry, let channels, let filters):
            let positions = batch * geometry.outputHeight * geometry.outputWidth
            if geometry.isPointwise {
                Kernels.denseWeightGradient(
                    batch: positions, inputs: channels, outputs: filters, x: x, dY: dY, dWeight: dWeight, dBias: dBias)
                if let dX {
                    Kernels.denseInputGradient(
                        batch: positions, inputs: channels, outputs: filters, weight: weight, dY: dY, dX: dX)
                }
                return
            }
            let k = geometry.kernelHeight * geometry.kernelWidth * channels
            pass.columns[l].withUnsafeBufferPointer { cols in
                Kernels.denseWeightGradient(
                    batch: positions, inputs: k, outputs: filters, x: cols.baseAddress!, dY: dY, dWeight: dWeight,
                    dBias: dBias)
            }
            if let dX {
                var dColumns = [Scalar](repeating: 0, count: positions * k)
                dColumns.withUnsafeMutableBufferPointer { dCols in
                    Kernels.denseInputGradient(
                        batch: positions, inputs: k, outputs: filters, weight: weight, dY: dY, dX: dCols.baseAddress!)
                    Kernels.col2im(
                        batch: batch, channels: channels, geometry: geometry, dColumns: dCols.baseAddress!, dX: dX)
                }
            }
        case .depthwise(let geometry, let channels):
            Kernels.depthwiseBackward(
                batch: batch, channels: channels, geometry: geometry, x: x, weight: weight, dY: dY, dWeight: dWeight,
                dBias: dBias, dX: dX)
        case .maxPool:
            guard let dX else { return }
            pass.argmax[l].withUnsafeBufferPointer { argmax in
                Kernels.maxPoolBackward(
                    batch: batch, inputCount: inputShape(ofLayer: l).count, outputCount: shapes[l].count,
                    argmax: argmax.baseAddress!, dY: dY, dX: dX)
            }
        case .averagePool(let geometry, let channels):
            guard let dX else { return }
            Kernels.averagePoolBackward(batch: batch, channels: channels, geometry: geometry, dY: dY, dX: dX)
        case .globalAveragePool(let positions, let channels):
            guard let dX else { return }
            Kernels.globalAveragePoolBackward(batch: batch, positions: positions, channels: channels, dY: dY, dX: dX)
        case .flatten:
            dX?.update(from: dY, count: count)
        case .activation(let activation):
            guard let dX else { return }
            activation.backward(
                z: UnsafeBufferPointer(start: x, count: count), a: UnsafeBufferPointer(start: y, count: count),
                dA: UnsafeBufferPointer(start: dY, count: count),
                into: UnsafeMutableBufferPointer(start: dX, count: count))
        case .relu6:
            guard let dX else { return }
            for i in 0..<count {
                let upstream = dY[i]
                dX[i] = x[i] > 0 && x[i] < 6 ? upstream : 0
            }
        }
    }
}
