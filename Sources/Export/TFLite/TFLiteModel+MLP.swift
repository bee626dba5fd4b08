extension TFLiteModel {
    /// The `.tflite` form of an int8 MLP, with the same integers as `QuantizedMLP.invoke` (and the emitted
    /// C) when TFLite Micro runs it. Per layer l, with `x` the int8 tensor `[1, inputs]`:
    ///
    /// - `FULLY_CONNECTED(x, w, b) → z`: `w` int8 `[outputs, inputs]` with the layer's weight scales (per
    ///   channel along dimension 0, or one) and zero points 0; `b` int32 `[outputs]` at scales
    ///   `s_in·s_w[o]` (the float product the bias was quantized with), zero points 0; `z` int8 with the
    ///   layer's output parameters; a ReLU is the fused `RELU` (the same clamp `max(−128, z_out)…127`).
    ///   TFLite Micro derives the multipliers from these float scales with the formulas `Quantizer` used
    ///   (per channel `(double)s_in·s_w/s_out`, per tensor `(double)(float)(s_in·s_w)/s_out`).
    /// - A table activation (tanh, sigmoid, gelu, silu, elu, softplus) has no builtin operator with the
    ///   same integers (TFLite's TANH and LOGISTIC compute their own fixed-point function with a fixed
    ///   output scale), so the 256-entry table itself goes into the file, read with integer builtins that
    ///   both TFLite Micro and desktop LiteRT run: `CAST(z) → c` (int8 → int32, the integer value),
    ///   `ADD(c, 128) → i` (int32), `GATHER(table', i) → y` with
    ///   `table'[i] = table[UInt8(bitPattern: i − 128)]`, the table reordered by signed index.
    ///
    /// Only double rounding matches TFLite Micro's default build; a single-rounding model needs a TFLite
    /// Micro built with `TFLITE_SINGLE_ROUNDING`, and export.json says which.
    public init(_ model: QuantizedMLP, description: String) {
        self.init(description: description)
        let input = add(
            Tensor(
                name: "input", shape: [1, model.inputCount], type: .int8, quantization: .perTensor(model.input)))
        inputs = [Int32(input)]
        var current = input
        for (l, layer) in model.layers.enumerated() {
            let weights = add(
                Tensor(
                    name: "dense\(l)/weights", shape: [layer.outputs, layer.inputs], type: .int8,
                    data: layer.weights.values.map { UInt8(bitPattern: $0) },
                    quantization: Quantization(
                        scales: layer.weights.scales,
                        zeroPoints: [Int64](repeating: 0, count: layer.weights.scales.count))))
            let biasScales = layer.weights.scales.map { layer.input.scale * $0 }
            let bias = add(
                Tensor(
                    name: "dense\(l)/bias", shape: [layer.outputs], type: .int32,
                    data: Self.littleEndian(layer.bias),
                    quantization: Quantization(
                        scales: biasScales, zeroPoints: [Int64](repeating: 0, count: biasScales.count))))
            let last = l == model.layers.count - 1
            let output = add(
                Tensor(
                    name: layer.lookupTable == nil && last ? "output" : "dense\(l)/output",
                    shape: [1, layer.outputs], type: .int8, quantization: .perTensor(layer.output)))
            nodes.append(
                Node(
                    .fullyConnected, inputs: [current, weights, bias], outputs: [output],
                    options: .fullyConnected(layer.activation == .relu ? .relu : .none)))
            current = output
            if let table = layer.lookupTable {
                current = appendTable(table, layer: l, after: output, layerOutputs: layer, last: last)
            }
        }
        outputs = [Int32(current)]
    }

    /// `CAST` and `ADD` to the int32 index `z + 128`, then `GATHER` from the reordered table.
    private mutating func appendTable(
        _ table: [Int8], layer l: Int, after preactivation: Int, layerOutputs layer: QuantizedDenseLayer, last: Bool
    ) -> Int {
        let value = add(
            Tensor(name: "dense\(l)/table_value", shape: [1, layer.outputs], type: .int32, quantization: nil))
        nodes.append(Node(.cast, inputs: [preactivation], outputs: [value]))
        let offset = add(
            Tensor(
                name: "dense\(l)/table_offset", shape: [1], type: .int32, data: Self.littleEndian([128]),
                quantization: nil))
        let index = add(
            Tensor(name: "dense\(l)/table_index", shape: [1, layer.outputs], type: .int32, quantization: nil))
        nodes.append(Node(.add, inputs: [value, offset], outputs: [index]))
        let reordered = (0..<256).map { table[Int(UInt8(bitPattern: Int8($0 - 128)))] }
        let values = add(
            Tensor(
                name: "dense\(l)/\(layer.activation.name)_table", shape: [256], type: .int8,
                data: reordered.map { UInt8(bitPattern: $0) }, quantization: .perTensor(layer.result)))
        let result = add(
            Tensor(
                name: last ? "output" : "dense\(l)/\(layer.activation.name)", shape: [1, layer.outputs], type: .int8,
                quantization: .perTensor(layer.result)))
        nodes.append(Node(.gather, inputs: [values, index], outputs: [result], options: .gather(axis: 0)))
        return result
    }

    /// int32 values as little-endian bytes.
    static func littleEndian(_ values: [Int32]) -> [UInt8] {
        values.flatMap { value in
            let bits = UInt32(bitPattern: value)
            return (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
        }
    }
}
