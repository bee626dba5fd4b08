import Export
import Foundation
import Networks
import Tensors
import TestSupport
import Testing

/// The emitted C, compiled by the host's gcc (C99, `-Wall -Wextra -pedantic -Werror`) and run through
/// deploy/mcu/runner.c, equals the Swift integer reference bit for bit on 1000 random inputs per model.
@Suite struct CEmitterTests {
    struct Case: CustomStringConvertible, Sendable {
        let description: String
        let sizes: [Int]
        let activation: Activation
        var granularity: WeightGranularity = .perChannel
        var rounding: Rounding = .double
        var kernel: CEmitter.Kernel = .folded
        var sparsity = 0.0
        var prefix = "model"
    }

    static let cases: [Case] = [
        Case(description: "relu, two hidden layers", sizes: [20, 16, 12, 5], activation: .relu),
        Case(description: "tanh tables", sizes: [12, 10, 10, 4], activation: .tanh),
        Case(description: "silu tables", sizes: [9, 7, 3], activation: .silu),
        Case(description: "gelu tables", sizes: [9, 7, 3], activation: .gelu),
        Case(description: "sigmoid tables", sizes: [9, 7, 3], activation: .sigmoid),
        Case(description: "elu tables", sizes: [9, 7, 3], activation: .elu(alpha: 1)),
        Case(description: "softplus tables", sizes: [9, 7, 3], activation: .softplus),
        Case(description: "identity hidden layer", sizes: [9, 7, 3], activation: .identity),
        Case(description: "per-tensor weights", sizes: [20, 16, 12, 5], activation: .relu, granularity: .perTensor),
        Case(description: "single rounding", sizes: [20, 16, 12, 5], activation: .relu, rounding: .single),
        Case(description: "reference kernel", sizes: [20, 16, 12, 5], activation: .tanh, kernel: .reference),
        Case(description: "70% sparse", sizes: [30, 24, 10], activation: .relu, sparsity: 0.7),
        Case(description: "no hidden layer", sizes: [9, 3], activation: .relu),
        Case(
            description: "four hidden layers, prefix", sizes: [16, 12, 20, 8, 14, 6], activation: .relu,
            prefix: "kws_net"),
        Case(description: "wide input", sizes: [300, 40, 10], activation: .relu),
    ]

    @Test(arguments: cases)
    func hostCompiledCEqualsTheSwiftReference(_ testCase: Case) throws {
        let model = try RandomModels.quantized(
            sizes: testCase.sizes, activation: testCase.activation, seed: UInt64(testCase.description.count),
            granularity: testCase.granularity, rounding: testCase.rounding, sparsity: testCase.sparsity)
        let directory = try Self.emit(model, prefix: testCase.prefix, kernel: testCase.kernel)
        let samples = RandomModels.int8Samples(count: 1000, columns: model.inputCount, seed: 3)
        let outputs = try Self.hostRun(directory: directory, prefix: testCase.prefix, samples: samples)
        let expected = samples.map { model.invoke($0) }
        #expect(outputs.count == samples.count)
        let differing = zip(outputs, expected).filter { $0.0 != $0.1 }.count
        #expect(differing == 0, "\(differing) of \(samples.count) outputs differ between C and Swift")
        // The batched (Double GEMM) evaluator gives the same integers.
        #expect(model.invoke(batch: samples) == expected)
        // The outputs are not degenerate: the test would notice a constant network.
        #expect(Set(expected.map { $0 }).count > 10)
    }

    /// The float helpers of model.h against `QuantizationParameters.quantize` / `dequantize` on 20 000
    /// random values around the input range: equal bit for bit.
    @Test func quantizeHelpersEqualSwift() throws {
        let model = try RandomModels.quantized(sizes: [6, 5, 4], activation: .relu, seed: 11)
        let directory = try Self.emit(model, prefix: "model", kernel: .folded)
        try """
        #include <inttypes.h>
        #include <stdio.h>
        #include <string.h>
        #include "model.h"
        int main(void)
        {
            uint32_t bits;
            while (scanf("%" SCNx32, &bits) == 1) {
                float x, y;
                memcpy(&x, &bits, 4);
                int8_t q = model_quantize(x);
                model_dequantize_output(&q, &y);
                memcpy(&bits, &y, 4);
                printf("%d %" PRIx32 "\\n", q, bits);
            }
            return 0;
        }
        """.write(toFile: directory + "/helpers.c", atomically: false, encoding: .utf8)
        let executable = try Toolchain.hostExecutable(
            [directory + "/helpers.c"], includes: [directory], output: directory + "/helpers")
        var stream = RandomStream(seed: 5, key: .testing.with(index: 9))
        let values = (0..<20_000).map { i in
            // Exact ties of the rounding (k + ½)·scale are included on purpose.
            i % 10 == 0
                ? model.input.scale * (Float(stream.integer(below: 300) - 150) + 0.5) : Float(stream.uniform(-60, 60))
        }
        let output = try Toolchain.run(
            executable, [], standardInput: values.map { String($0.bitPattern, radix: 16) }.joined(separator: "\n"))
        let lines = output.split(separator: "\n")
        #expect(lines.count == values.count)
        for (value, line) in zip(values, lines) {
            let q = model.input.quantize(value)
            let y = model.output.dequantize(q)
            #expect(line == "\(q) \(String(y.bitPattern, radix: 16))", "x = \(value)")
            if line != "\(q) \(String(y.bitPattern, radix: 16))" { break }
        }
    }

    /// The arena is the two largest consecutive hidden activations, and each layer writes where the next
    /// one reads (checked through the outputs above); here the plan itself.
    @Test func arenaPlan() {
        #expect(ArenaPlan(sizes: [64, 128, 64, 10]).size == 192)
        #expect(ArenaPlan(sizes: [64, 128, 64, 10]).offsets == [0, 128])
        #expect(ArenaPlan(sizes: [784, 256, 128, 10]).size == 384)
        #expect(ArenaPlan(sizes: [16, 12, 20, 8, 14, 6]).offsets == [0, 12, 0, 18])
        #expect(ArenaPlan(sizes: [16, 12, 20, 8, 14, 6]).size == 32)
        #expect(ArenaPlan(sizes: [9, 7, 3]).size == 7)
        #expect(ArenaPlan(sizes: [9, 3]).size == 0)
    }

    @Test func prefixMustBeACIdentifier() {
        let model = try? RandomModels.quantized(sizes: [3, 2], activation: .relu, seed: 1)
        #expect(throws: ExportError.self) { try CEmitter(model: model!, prefix: "9lives", summary: "") }
        #expect(throws: ExportError.self) { try CEmitter(model: model!, prefix: "a-b", summary: "") }
        #expect(throws: Never.self) { try CEmitter(model: model!, prefix: "_net2", summary: "") }
    }

    // MARK: Helpers

    /// Writes model.h and model.c into a fresh directory.
    static func emit(_ model: QuantizedMLP, prefix: String, kernel: CEmitter.Kernel) throws -> String {
        let directory = BuiltProducts.temporaryDirectory("partita-emit")
        let emitter = try CEmitter(model: model, prefix: prefix, kernel: kernel, summary: "A test model.")
        try emitter.header.write(toFile: directory + "/model.h", atomically: false, encoding: .utf8)
        try emitter.source.write(toFile: directory + "/model.c", atomically: false, encoding: .utf8)
        return directory
    }

    /// Builds deploy/mcu/runner.c with the model for the host and runs it on `samples`.
    static func hostRun(directory: String, prefix: String, samples: [[Int8]]) throws -> [[Int8]] {
        let executable = try Toolchain.hostExecutable(
            [Toolchain.root + "/deploy/mcu/runner.c", directory + "/model.c"], includes: [directory],
            defines: ["RUNNER_PREFIX=\(prefix)", "RUNNER_MACRO=\(prefix.uppercased())"], output: directory + "/runner")
        try Toolchain.writeSamples(samples, to: directory + "/inputs.bin")
        return Toolchain.parseOutputs(try Toolchain.run(executable, [directory + "/inputs.bin"]))
    }
}
