import Checkpoints
import Datasets
import Export
import Foundation
import TestSupport
import Testing
import Training

/// `partita export` end to end on the bundled digits, with the real binary, the real training code for
/// fine-tuning, and the exported C run on an emulated Cortex-M4.
@Suite(.serialized) struct ExportCommandTests {
    /// One trained digits model (the default config: MLP 64-128-64-10, 20 epochs), shared by the tests.
    static let baseline: Result<(run: String, accuracy: Double), any Error> = Result {
        let directory = BuiltProducts.temporaryDirectory("partita-export-digits")
        return try train(directory: directory, name: "digits")
    }

    static func train(directory: String, name: String) throws -> (run: String, accuracy: Double) {
        let output = try BuiltProducts.run(
            BuiltProducts.partita, ["train", "--set", "run.dir=\(directory)", "--set", "run.name=\(name)", "--plain"])
        guard output.status == 0 else { throw BuiltProducts.Failure(description: "training failed: \(output.stderr)") }
        let metrics = try String(contentsOfFile: "\(directory)/\(name)/metrics.jsonl", encoding: .utf8)
        let last = metrics.split(separator: "\n").last { $0.contains("\"split\":\"validation\"") }!
        let record = try JSONSerialization.jsonObject(with: Data(last.utf8)) as! [String: Any]
        return ("\(directory)/\(name)", record["accuracy"] as! Double)
    }

    /// Runs `partita export` on the baseline checkpoint and reads export.json.
    static func export(_ arguments: [String], into name: String) throws -> (directory: String, report: ExportReport) {
        let run = try baseline.get().run
        let directory = run + "/" + name
        let output = try BuiltProducts.run(
            BuiltProducts.partita, ["export", run + "/checkpoints/latest", "-o", directory] + arguments)
        guard output.status == 0 else { throw BuiltProducts.Failure(description: "export failed: \(output.stderr)") }
        let text = try String(contentsOfFile: directory + "/export.json", encoding: .utf8)
        return (directory, try ExportReport.decode(text))
    }

    /// Correct samples out of the 359 of the digits validation split.
    static func correct(_ accuracy: Double?) -> Int? { accuracy.map { Int(($0 * 359).rounded()) } }

    @Test func int8AccuracyIsWithinOnePointOfFloat() throws {
        let (_, report) = try Self.export([], into: "export")
        let accuracy = report.accuracy
        // The float model is the checkpoint's: its accuracy is the one training reported (same count of
        // correct samples; metrics.jsonl rounds the fraction).
        #expect(Self.correct(accuracy.float) == Self.correct(try Self.baseline.get().accuracy))
        #expect(accuracy.split == "validation" && accuracy.count == 359)
        let float = try #require(accuracy.float)
        let int8 = try #require(accuracy.int8)
        #expect(abs(int8 - float) <= 0.01, "float \(float), int8 \(int8)")
        #expect(float > 0.95)
        #expect(report.sizes == [64, 128, 64, 10])
        #expect(report.macs == 64 * 128 + 128 * 64 + 64 * 10)
        #expect(report.flashBytes.weights == report.macs)
        #expect(report.flashBytes.biases == 4 * (128 + 64 + 10))
        #expect(report.flashBytes.multipliers == 5 * (128 + 64 + 10))
        #expect(report.ramBytes.arena == 128 + 64)
        let code = try #require(report.flashBytes.code)
        #expect(code < 4096, "everything but the weights, biases and multipliers: \(code) bytes of code")
    }

    @Test func halfTheHiddenUnitsRemovedAndFineTunedStaysWithinTwoPoints() throws {
        let (_, report) = try Self.export(["--prune", "units=0.5", "--fine-tune-epochs", "5"], into: "units")
        #expect(report.sizes == [64, 64, 32, 10])
        #expect(report.originalSizes == [64, 128, 64, 10])
        let baseline = try Self.baseline.get().accuracy
        #expect(Self.correct(report.accuracy.floatBeforePruning) == Self.correct(baseline))
        let float = try #require(report.accuracy.float)
        let int8 = try #require(report.accuracy.int8)
        #expect(float >= baseline - 0.02, "pruned float \(float) vs \(baseline)")
        #expect(int8 >= baseline - 0.02, "pruned int8 \(int8) vs \(baseline)")
        #expect(report.flashBytes.weights == 64 * 64 + 64 * 32 + 32 * 10)
        #expect(report.ramBytes.arena == 64 + 32)
    }

    @Test func eightyPercentSparsityFineTunedStaysWithinTwoPoints() throws {
        let (_, report) = try Self.export(["--prune", "sparsity=0.8", "--fine-tune-epochs", "10"], into: "sparse")
        for layer in report.sparsity {
            let expected =
                1 - (Double(layer.outputs * layer.inputs) * 0.2).rounded(.toNearestOrEven)
                / Double(layer.outputs * layer.inputs)
            #expect(abs(layer.sparsity - expected) < 1e-12, "layer \(layer.layer): \(layer.sparsity)")
        }
        let baseline = try Self.baseline.get().accuracy
        let float = try #require(report.accuracy.float)
        let int8 = try #require(report.accuracy.int8)
        #expect(float >= baseline - 0.02, "sparse float \(float) vs \(baseline)")
        #expect(int8 >= baseline - 0.02, "sparse int8 \(int8) vs \(baseline)")
    }

    /// The same checkpoint exported twice, and a second training run with the same config and seed
    /// exported too: the same bytes in all three files.
    @Test func sameConfigAndSeedGiveTheSameBytes() throws {
        let first = try Self.export(["--prune", "units=0.25", "--fine-tune-epochs", "1"], into: "again-1").directory
        let second = try Self.export(["--prune", "units=0.25", "--fine-tune-epochs", "1"], into: "again-2").directory
        let retrained = try Self.train(
            directory: BuiltProducts.temporaryDirectory("partita-export-again"), name: "digits")
        let third = retrained.run + "/export"
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            [
                "export", retrained.run + "/checkpoints/latest", "-o", third, "--prune", "units=0.25",
                "--fine-tune-epochs", "1",
            ])
        #expect(output.status == 0, "\(output.stderr)")
        for file in [
            "model.h", "model.c", "model_input.h", "model.tflite", "test_vectors/inputs.bin",
            "test_vectors/expected.bin",
            "export.json",
        ] {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(first)/\(file)"))
            #expect(
                a == (try Data(contentsOf: URL(fileURLWithPath: "\(second)/\(file)"))),
                "\(file) differs between exports")
            #expect(
                a == (try Data(contentsOf: URL(fileURLWithPath: "\(third)/\(file)"))),
                "\(file) differs after retraining")
        }
    }

    /// A float64 regression model with tanh (tables): accuracies are null, the int8 loss is close to the
    /// float loss (within 50% of it on this easy curve), and the JSON says null rather than leaving keys out.
    @Test func regressionModelReportsLosses() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-export-regression")
        let trained = try BuiltProducts.run(
            BuiltProducts.partita,
            [
                "train", "--set", "run.dir=\(directory)", "--set", "data.name=sin-regression", "--set",
                "model.hidden=[16,16]", "--set", "model.activation=tanh", "--set", "model.dtype=float64", "--set",
                "train.epochs=5",
            ])
        #expect(trained.status == 0, "\(trained.stderr)")
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            ["export", "\(directory)/digits-mlp/checkpoints/latest", "-o", "\(directory)/export"])
        #expect(output.status == 0, "\(output.stderr)")
        let text = try String(contentsOfFile: "\(directory)/export/export.json", encoding: .utf8)
        #expect(text.contains("\"int8\" : null") && text.contains("\"float_before_pruning\" : null"))
        let report = try ExportReport.decode(text)
        #expect(report.accuracy.float == nil && report.accuracy.int8 == nil && report.accuracy.split == "test")
        #expect(report.flashBytes.lookupTables == 2 * 256)
        #expect(report.accuracy.lossInt8 < 1.5 * report.accuracy.lossFloat, "\(report.accuracy)")
    }

    /// The digits validation set through the exported model on the Cortex-M4 under QEMU: every output
    /// equals the Swift reference's, so the accuracy measured on the emulated device is export.json's.
    @Test func cortexM4AccuracyIsTheReportedInt8Accuracy() throws {
        let (directory, report) = try Self.export([], into: "mcu")
        let checkpoint = try CheckpointFile.read(path: try Self.baseline.get().run + "/checkpoints/latest")
        let data = try DataPipeline.prepare(checkpoint.config)
        let (inputs, targets) = data.batch(data.source, rows: data.validationRows, as: Float.self)
        let parameters = QuantizationParameters(scale: report.input.scale, zeroPoint: report.input.zeroPoint)
        let samples = (0..<inputs.rows).map { r in inputs.row(r).map { parameters.quantize($0) } }
        try Toolchain.writeSamples(samples, to: directory + "/inputs.bin")
        let text = try MicrocontrollerTests.make(
            "run", model: directory, inputs: directory + "/inputs.bin", build: directory + "/build")
        let outputs = Toolchain.parseOutputs(text)
        guard case .classes(let labels) = targets else { Issue.record("digits has classes"); return }
        #expect(outputs.count == labels.count)
        let correct = zip(outputs, labels).filter { output, label in
            output.indices.max { output[$0] < output[$1] || (output[$0] == output[$1] && $0 > $1) } == Int(label)
        }.count
        #expect(Double(correct) / Double(labels.count) == report.accuracy.int8)

        // export.json's flash and RAM are what arm-none-eabi-size says of the model.o that just ran.
        let sizes = try MicrocontrollerTests.make("size", model: directory, build: directory + "/build")
        let measured = ObjectSizes(
            sizeOutput: String(sizes[..<sizes.range(of: "model.elf")!.lowerBound]), prefix: "model")
        #expect(report.flashBytes.weights == measured.weights)
        #expect(report.flashBytes.biases == measured.biases)
        #expect(report.flashBytes.multipliers == measured.multipliers)
        #expect(report.flashBytes.code == measured.code)
        #expect(report.flashBytes.total == measured.flash)
        #expect(report.ramBytes.arena == measured.ram)
    }
}
