public import Tensors

/// A naive, loop-only implementation of the forward and backward passes, kept beside the BLAS one so
/// tests can check it against an independent computation (the llm.c `matmul_forward_naive` habit).
/// Sums accumulate in Double. Far too slow for training.
extension MLP {
    /// The output `(batch, outputs)` computed sample by sample: `z_o = b_o + Σ_i W[o, i]·a_i`.
    public func referenceForward(_ input: Matrix<Scalar>) -> (output: Matrix<Scalar>, preactivations: [[[Double]]]) {
        let sizes = architecture.sizes
        var output = Matrix<Scalar>(rows: input.rows, columns: architecture.outputs)
        var allPreactivations = [[[Double]]]()
        for n in 0..<input.rows {
            var a = input.row(n).map(Double.init)
            var preactivations = [[Double]]()
            for l in 0..<architecture.layerCount {
                let (weightView, biasView) = layout.views(ofLayer: l)
                var z = [Double](repeating: 0, count: sizes[l + 1])
                for o in 0..<sizes[l + 1] {
                    var sum = biasView.map { Double(parameters.values[$0.offset + o]) } ?? 0
                    for i in 0..<sizes[l] {
                        sum += Double(parameters.values[weightView.offset + o * sizes[l] + i]) * a[i]
                    }
                    z[o] = sum
                }
                preactivations.append(z)
                a = z.map { architecture.activation(after: l).value($0) }
            }
            for o in 0..<architecture.outputs { output[n, o] = Scalar(a[o]) }
            allPreactivations.append(preactivations)
        }
        return (output, allPreactivations)
    }

    /// `∂L/∂θ` for `dOutput = ∂L/∂f (batch, outputs)`, by the chain rule written sample by sample.
    public func referenceBackward(_ input: Matrix<Scalar>, dOutput: Matrix<Scalar>) -> [Double] {
        let sizes = architecture.sizes
        let (_, preactivations) = referenceForward(input)
        var gradient = [Double](repeating: 0, count: layout.count)
        for n in 0..<input.rows {
            var dZ = dOutput.row(n).map(Double.init)
            if architecture.activatesLastLayer {
                let last = architecture.layerCount - 1
                dZ = dZ.indices.map { dZ[$0] * architecture.activation.derivative(preactivations[n][last][$0]) }
            }
            for l in stride(from: architecture.layerCount - 1, through: 0, by: -1) {
                let (weightView, biasView) = layout.views(ofLayer: l)
                let a: [Double] =
                    l == 0
                    ? input.row(n).map(Double.init) : preactivations[n][l - 1].map { architecture.activation.value($0) }
                for o in 0..<sizes[l + 1] {
                    if let biasView { gradient[biasView.offset + o] += dZ[o] }
                    for i in 0..<sizes[l] { gradient[weightView.offset + o * sizes[l] + i] += dZ[o] * a[i] }
                }
                guard l > 0 else { break }
                var dA = [Double](repeating: 0, count: sizes[l])
                for i in 0..<sizes[l] {
                    for o in 0..<sizes[l + 1] {
                        dA[i] += dZ[o] * Double(parameters.values[weightView.offset + o * sizes[l] + i])
                    }
                }
                dZ = (0..<sizes[l]).map { dA[$0] * architecture.activation.derivative(preactivations[n][l - 1][$0]) }
            }
        }
        return gradient
    }
}
