import Export
import Foundation
import Networks
import TestSupport
import Testing

/// The `.tflite` file, run by TensorFlow Lite Micro's own interpreter (the `tflite-micro` package in the
/// project's Python environment), gives outputs bit-identical to the Swift integer reference (which equals
/// the emitted C, `CEmitterTests`) on random int8 inputs, for several shapes, activations and weight
/// granularities.
@Suite struct TFLiteTests {
    struct Case: CustomStringConvertible, Sendable {
        let description: String
        let sizes: [Int]
        let activation: Activation
        var granularity: WeightGranularity = .perChannel
        var sparsity = 0.0
    }

    static let cases: [Case] = [
        Case(description: "relu, two hidden layers", sizes: [20, 16, 12, 5], activation: .relu),
        Case(
            description: "relu, per-tensor weights", sizes: [20, 16, 12, 5], activation: .relu, granularity: .perTensor),
        Case(description: "no hidden layer", sizes: [9, 3], activation: .relu),
        Case(description: "identity hidden layer", sizes: [9, 7, 3], activation: .identity),
        Case(description: "tanh tables", sizes: [12, 10, 10, 4], activation: .tanh),
        Case(description: "sigmoid tables", sizes: [9, 7, 3], activation: .sigmoid),
        Case(description: "gelu tables, per tensor", sizes: [9, 7, 3], activation: .gelu, granularity: .perTensor),
        Case(description: "70% sparse, wide", sizes: [64, 40, 10], activation: .relu, sparsity: 0.7),
        Case(description: "one output", sizes: [8, 6, 1], activation: .relu),
    ]

    @Test(arguments: cases)
    func tfliteMicroEqualsTheIntegerReference(_ testCase: Case) throws {
        let model = try RandomModels.quantized(
            sizes: testCase.sizes, activation: testCase.activation, seed: UInt64(testCase.description.count),
            granularity: testCase.granularity, sparsity: testCase.sparsity)
        let samples = RandomModels.int8Samples(count: 500, columns: model.inputCount, seed: 5)
        let outputs = try Self.run("tflm", model, samples)
        let expected = samples.map { model.invoke($0) }
        #expect(outputs.count == samples.count)
        let differing = zip(outputs, expected).filter { $0.0 != $0.1 }.count
        #expect(differing == 0, "\(differing) of \(samples.count) outputs differ between TFLite Micro and Swift")
        #expect(Set(expected).count > 10, "degenerate outputs")
    }

    /// The file as an independent reader sees it: the FlatBuffers Python package with TFLite's generated
    /// schema reads back the version, the operators, the shapes and every quantization parameter.
    @Test func theSchemaReaderReadsBackWhatWasWritten() throws {
        let model = try RandomModels.quantized(sizes: [6, 5, 3], activation: .tanh, seed: 9)
        let directory = BuiltProducts.temporaryDirectory("partita-tflite-read")
        let path = directory + "/model.tflite"
        try Data(TFLiteModel(model, description: "test").serialized()).write(to: URL(fileURLWithPath: path))
        let script = """
            import sys
            from ai_edge_litert import schema_py_generated as s
            m = s.Model.GetRootAsModel(open(sys.argv[1], 'rb').read(), 0)
            g = m.Subgraphs(0)
            print(m.Version(), m.Description().decode(), g.Name().decode(), m.BuffersLength())
            print(' '.join(str(m.OperatorCodes(g.Operators(i).OpcodeIndex()).BuiltinCode())
                for i in range(g.OperatorsLength())))
            for i in range(g.TensorsLength()):
                t = g.Tensors(i); q = t.Quantization()
                scales = [float(q.Scale(k)) for k in range(q.ScaleLength())] if q else []
                zeros = [int(q.ZeroPoint(k)) for k in range(q.ZeroPointLength())] if q else []
                print(t.Name().decode(), t.Type(), [int(x) for x in t.ShapeAsNumpy()], t.Buffer(), scales, zeros,
                    m.Buffers(t.Buffer()).DataLength())
            """
        let text = try BuiltProducts.output(ProjectPython.executable, ["-c", script, path])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "3 test main 7")
        // dense, cast + add + gather (the tanh table), dense.
        #expect(lines[1] == "9 53 0 36 9")
        let layer = model.layers[0]
        let scales = layer.weights.scales.map { "\(Double($0))" }.joined(separator: ", ")
        #expect(lines.contains("dense0/weights 9 [5, 6] 1 [\(scales)] [0, 0, 0, 0, 0] 30"), "\(text)")
        let input = "input 9 [1, 6] 0 [\(Double(model.input.scale))] [\(model.input.zeroPoint)] 0"
        #expect(lines.contains(input), "\(text)")
        #expect(lines.contains { $0.hasPrefix("dense0/bias 2 [5] 2 ") && $0.hasSuffix(" 20") }, "\(text)")
    }

    /// Runs `model`'s `.tflite` on `samples` with one of run_tflite.py's engines.
    static func run(_ engine: String, _ model: QuantizedMLP, _ samples: [[Int8]]) throws -> [[Int8]] {
        let directory = BuiltProducts.temporaryDirectory("partita-tflite")
        try Data(TFLiteModel(model, description: "test").serialized())
            .write(to: URL(fileURLWithPath: directory + "/model.tflite"))
        try Toolchain.writeSamples(samples, to: directory + "/inputs.bin")
        let text = try BuiltProducts.output(
            ProjectPython.executable, [script, engine, directory + "/model.tflite", directory + "/inputs.bin"])
        return Toolchain.parseOutputs(text)
    }

    static let script = Toolchain.root + "/Tests/ExportTests/Reference/run_tflite.py"
}
