import Tensors

extension QuantizedDenseLayer {
    /// The reference kernel, one sample: TFLite Micro's `FullyConnectedPerChannel` loop as written there,
    /// `acc += w·(x + input_offset)` element by element with `input_offset = −input.zeroPoint`, then the bias,
    /// the requantization, the output offset, the clamp and the optional table. `x` is `(inputs)`, the
    /// result `(outputs)`.
    public func invoke(_ x: [Int8], rounding: Rounding) -> [Int8] {
        precondition(x.count == inputs, "QuantizedDenseLayer.invoke: \(x.count) inputs, the layer takes \(inputs)")
        let inputOffset = -input.zeroPoint
        var y = [Int8](repeating: 0, count: outputs)
        weights.values.withUnsafeBufferPointer { w in
            for o in 0..<outputs {
                var acc: Int32 = 0
                for d in 0..<inputs {
                    acc = acc &+ Int32(w[o * inputs + d]) &* (Int32(x[d]) &+ inputOffset)
                }
                acc = acc &+ bias[o]
                y[o] = finish(acc, channel: o, rounding: rounding)
            }
        }
        return y
    }

    /// Requantization, output offset, clamp and table for the accumulator of channel `o`.
    @inline(__always)
    func finish(_ accumulator: Int32, channel o: Int, rounding: Rounding) -> Int8 {
        var acc = FixedPoint.multiplyByQuantizedMultiplier(accumulator, multiplier(ofChannel: o), rounding: rounding)
        acc = acc &+ output.zeroPoint
        acc = min(max(acc, clamp.lowerBound), clamp.upperBound)
        let q = Int8(truncatingIfNeeded: acc)
        guard let lookupTable else { return q }
        return lookupTable[Int(UInt8(bitPattern: q))]
    }
}

extension QuantizedMLP {
    /// The integer reference inference of one sample: `input (inputs)` int8 → `(outputs)` int8, layer by
    /// layer with `QuantizedDenseLayer.invoke`. The emitted C must equal this bit for bit.
    public func invoke(_ input: [Int8]) -> [Int8] {
        var x = input
        for layer in layers { x = layer.invoke(x, rounding: rounding) }
        return x
    }

    /// The same inference for many samples at once, `inputs (batch, inputs)` → `(batch, outputs)`, with the
    /// accumulators computed by a `Double` GEMM: every product `w·(x − z)` and every partial sum is an integer
    /// below 2^31 (`Quantizer.checkAccumulator`), which `Double` represents exactly, so the accumulators are
    /// the int32 ones and the result equals `invoke` on every row (tested). Used to measure int8 accuracy.
    public func invoke(batch inputs: [[Int8]]) -> [[Int8]] {
        var current = inputs
        for layer in layers {
            let batch = current.count
            var shifted = Matrix<Double>(rows: batch, columns: layer.inputs)
            let offset = Double(-layer.input.zeroPoint)
            for (r, row) in current.enumerated() {
                precondition(
                    row.count == layer.inputs, "QuantizedMLP.invoke: a row of \(row.count), need \(layer.inputs)")
                for d in 0..<layer.inputs { shifted.storage[r * layer.inputs + d] = Double(row[d]) + offset }
            }
            let weights = Matrix<Double>(
                rows: layer.outputs, columns: layer.inputs, storage: layer.weights.values.map { Double($0) })
            var accumulators = Matrix<Double>(rows: batch, columns: layer.outputs)
            BLAS.gemm(shifted, .none, weights, .transposed, into: &accumulators)
            current = (0..<batch).map { r in
                (0..<layer.outputs).map { o in
                    layer.finish(
                        Int32(accumulators.storage[r * layer.outputs + o]) &+ layer.bias[o], channel: o,
                        rounding: rounding)
                }
            }
        }
        return current
    }

    /// Quantizes float network inputs with the input parameters (the C helper's formula).
    public func quantizeInput(_ x: [Float]) -> [Int8] { x.map { input.quantize($0) } }

    /// Dequantizes int8 network outputs with the output parameters.
    public func dequantizeOutput(_ q: [Int8]) -> [Float] { q.map { output.dequantize($0) } }
}
