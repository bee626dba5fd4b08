import Checkpoints
import Datasets
import Export
import Foundation
import Tensors
import TestSupport
import Testing
import Training

/// What `partita export` gives a user to run the model: `test_vectors/inputs.bin` (the first validation
/// rows, normalized and quantized), `expected.bin`, `model_input.h` (raw features to int8), `model.tflite`,
/// deploy/mcu running the vectors by default, and export.json's parameters. Checked against independent
/// computations: the data pipeline's own normalization, the C helper compiled by gcc, TFLite Micro.
@Suite(.serialized) struct TestVectorsTests {
    static func bytes(_ path: String) throws -> [Int8] {
        try Data(contentsOf: URL(fileURLWithPath: path)).map { Int8(bitPattern: $0) }
    }

    @Test func inputsAreTheValidationRowsQuantizedAndExpectedIsTheirInference() throws {
        let (directory, report) = try ExportCommandTests.export(["--test-vectors", "50"], into: "vectors")
        let checkpoint = try CheckpointFile.read(
            path: try ExportCommandTests.baseline.get().run + "/checkpoints/latest")
        let data = try DataPipeline.prepare(checkpoint.config)
        let rows = Array(data.validationRows.prefix(50))
        #expect(report.testVectors == ExportReport.TestVectorsInfo(split: "validation", count: 50))
        #expect(report.files.contains("model.tflite") && report.files.contains("test_vectors/inputs.bin"))

        // inputs.bin: the data pipeline's normalized rows through QUANTIZE with export.json's parameters.
        let (normalized, _) = data.batch(data.source, rows: rows, as: Float.self)
        let input = QuantizationParameters(scale: report.input.scale, zeroPoint: report.input.zeroPoint)
        let quantized = (0..<rows.count).flatMap { r in normalized.row(r).map { input.quantize($0) } }
        let inputs = try Self.bytes(directory + "/test_vectors/inputs.bin")
        #expect(inputs == quantized)

        // model_input.h on the raw features (compiled by gcc) gives the same bytes.
        var raw = Matrix<Float>(rows: rows.count, columns: data.inputCount)
        data.source.features.gather(rows: rows, normalization: .none, into: &raw)
        try Data(
            raw.storage.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
        )
        .write(to: URL(fileURLWithPath: directory + "/raw.bin"))
        let program = """
            #include <stdio.h>
            #include "model_input.h"
            int main(int argc, char **argv)
            {
                (void)argc;
                FILE *in = fopen(argv[1], "rb");
                float raw[MODEL_INPUT_SIZE];
                int8_t q[MODEL_INPUT_SIZE];
                while (fread(raw, sizeof(float), MODEL_INPUT_SIZE, in) == MODEL_INPUT_SIZE) {
                    model_quantize_raw_input(raw, q);
                    fwrite(q, 1, MODEL_INPUT_SIZE, stdout);
                }
                fclose(in);
                return 0;
            }

            """
        try program.write(toFile: directory + "/quantize_raw.c", atomically: false, encoding: .utf8)
        let executable = try Toolchain.hostExecutable(
            [directory + "/quantize_raw.c"], includes: [directory], output: directory + "/quantize_raw")
        try Toolchain.run("/bin/sh", ["-c", "'\(executable)' '\(directory)/raw.bin' > '\(directory)/helper.bin'"])
        #expect(try Self.bytes(directory + "/helper.bin") == inputs)

        // expected.bin: what the exported C computes on inputs.bin, and deploy/mcu says so by default.
        let text = try MicrocontrollerTests.make("host-run", model: directory, build: directory + "/build")
        let outputs = Toolchain.parseOutputs(text)
        #expect(outputs.flatMap { $0 } == (try Self.bytes(directory + "/test_vectors/expected.bin")))
        #expect(text.contains("# test vectors: 50 of 50 samples equal"), "\(text.suffix(200))")
        // The same on the emulated Cortex-M4, by default.
        let board = try MicrocontrollerTests.make("run", model: directory, build: directory + "/build")
        #expect(board == text)
        // A differing expected output fails the run.
        var corrupted = try Self.bytes(directory + "/test_vectors/expected.bin")
        corrupted[7] = corrupted[7] == 0 ? 1 : 0
        try Data(corrupted.map { UInt8(bitPattern: $0) })
            .write(to: URL(fileURLWithPath: directory + "/test_vectors/expected.bin"))
        #expect(throws: (any Error).self) {
            try MicrocontrollerTests.make("host-run", model: directory, build: directory + "/build")
        }

        // And TFLite Micro on the exported model.tflite.
        let tflm = try BuiltProducts.output(
            ProjectPython.executable,
            [TFLiteTests.script, "tflm", directory + "/model.tflite", directory + "/test_vectors/inputs.bin"])
        #expect(Toolchain.parseOutputs(tflm) == outputs)
    }

    /// export.json's per-layer parameters are the ones the C file holds (the multipliers, shifts and zero
    /// points read back from model.c's arrays and comments).
    @Test func exportJSONListsEveryLayersParameters() throws {
        let (directory, report) = try ExportCommandTests.export(["--format", "c"], into: "c-only")
        #expect(!FileManager.default.fileExists(atPath: directory + "/model.tflite"))
        #expect(report.layers.count == 3)
        let source = try String(contentsOfFile: directory + "/model.c", encoding: .utf8)
        for layer in report.layers {
            #expect(layer.multipliers.count == layer.outputs && layer.shifts.count == layer.outputs)
            let multipliers = layer.multipliers.map(String.init).joined(separator: ", ")
            #expect(source.contains(multipliers.prefix(60)), "layer \(layer.layer)'s multipliers")
            #expect(
                source.contains(
                    "input  (\(layer.inputs)) int8: scale \(layer.input.scale), zero point \(layer.input.zeroPoint)"))
        }
        for l in 1..<report.layers.count { #expect(report.layers[l].input == report.layers[l - 1].result) }
        #expect(report.layers.last?.result == report.output && report.layers.first?.input == report.input)
        #expect(report.argmaxTieRule.contains("lowest index"))
    }
}
