public import Tensors

extension LayerStack {
    /// Runs the stack on `input (N, inputShape.count)` over parameters stored anywhere (`theta` holds at
    /// least `layout.count` values in the stack's layout), reusing `pass`'s storage when the batch fits.
    public func forward<Scalar: BLASScalar>(
        _ input: Matrix<Scalar>, parameters theta: UnsafeBufferPointer<Scalar>, into pass: inout LayerStackPass<Scalar>
    ) {
        precondition(input.rows > 0, "LayerStack.forward: an empty batch")
        precondition(
            input.columns == inputShape.count,
            "LayerStack.forward: input is \(input.shapeDescription), the stack takes \(inputShape) = \(inputShape.count)"
        )
        precondition(theta.count >= layout.count, "LayerStack.forward: \(theta.count) parameters, need \(layout.count)")
        let batch = input.rows
        pass.input = input
        if pass.outputs.count != layers.count || pass.outputs.first?.rows != batch {
            pass.outputs = shapes.map { Matrix(rows: batch, columns: $0.count) }
            pass.columns = steps.map { step in
                guard case .convolution(let g, let channels, _) = step, !g.isPointwise else { return [] }
                let k = g.kernelHeight * g.kernelWidth * channels
                return [Scalar](repeating: 0, count: batch * g.outputHeight * g.outputWidth * k)
            }
            pass.argmax = layers.indices.map { l in
                guard case .maxPool = steps[l] else { return [] }
                return [Int32](repeating: 0, count: batch * shapes[l].count)
            }
        }
        for l in layers.indices {
            // Take the layer's buffers out of `pass` so that reading the previous output does not overlap
            // the write (swaps move array references; nothing is copied).
            var output = Matrix<Scalar>(rows: 0, columns: 0)
            var columns = [Scalar]()
            var argmax = [Int32]()
            swap(&output, &pass.outputs[l])
            swap(&columns, &pass.columns[l])
            swap(&argmax, &pass.argmax[l])
            pass.layerInput(l).storage.withUnsafeBufferPointer { x in
                output.storage.withUnsafeMutableBufferPointer { y in
                    forwardLayer(
                        l, batch: batch, x: x.baseAddress!, y: y.baseAddress!, theta: theta.baseAddress!,
                        columns: &columns, argmax: &argmax)
                }
            }
            swap(&output, &pass.outputs[l])
            swap(&columns, &pass.columns[l])
            swap(&argmax, &pass.argmax[l])
        }
    }

    /// One layer's forward pass: `x (N, inputShape(ofLayer: l).count)` → `y (N, shapes[l].count)`.
    func forwardLayer<Scalar: BLASScalar>(
        _ l: Int, batch: Int, x: UnsafePointer<Scalar>, y: UnsafeMutablePointer<Scalar>, theta: UnsafePointer<Scalar>,
        columns: inout [Scalar], argmax: inout [Int32]
    ) {
        let count = batch * shapes[l].count
        // Layers without a weight never read `weight`; `bias` is nil when the layer has none.
        let weight = UnsafePointer(theta + (weightViews[l]?.offset ?? 0))
        let bias = biasViews[l].map { UnsafePointer(theta + $0.offset) }
        switch steps[l] {
        case .dense(let inputs, let outputs):
            Kernels.denseForward(batch: batch, inputs: inputs, outputs: outputs, x: x, weight: weight, bias: bias, y: y)
        case .convolution(let g, let channels, let filters):
            let positions = batch * g.outputHeight * g.outputWidth
            if g.isPointwise {
                Kernels.denseForward(
                    batch: positions, inputs: channels, outputs: filters, x: x, weight: weight, bias: bias, y: y)
            } else {
                columns.withUnsafeMutableBufferPointer { cols in
                    Kernels.im2col(batch: batch, channels: channels, geometry: g, x: x, columns: cols.baseAddress!)
                    Kernels.denseForward(
                        batch: positions, inputs: g.kernelHeight * g.kernelWidth * channels, outputs: filters,
                        x: UnsafePointer(cols.baseAddress!), weight: weight, bias: bias, y: y)
                }
            }
        case .depthwise(let g, let channels):
            Kernels.depthwiseForward(
                batch: batch, channels: channels, geometry: g, x: x, weight: weight, bias: bias, y: y)
        case .maxPool(let g, let channels):
            argmax.withUnsafeMutableBufferPointer { arg in
                Kernels.maxPoolForward(
                    batch: batch, channels: channels, geometry: g, x: x, y: y, argmax: arg.baseAddress!)
            }
        case .averagePool(let g, let channels):
            Kernels.averagePoolForward(batch: batch, channels: channels, geometry: g, x: x, y: y)
        case .globalAveragePool(let positions, let channels):
            Kernels.globalAveragePoolForward(batch: batch, positions: positions, channels: channels, x: x, y: y)
        case .flatten:
            y.update(from: x, count: count)
        case .activation(let activation):
            activation.forward(
                UnsafeBufferPointer(start: x, count: count), into: UnsafeMutableBufferPointer(start: y, count: count))
        case .relu6:
            for i in 0..<count { y[i] = min(max(x[i], 0), 6) }
        }
    }
}
