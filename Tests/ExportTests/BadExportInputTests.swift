import Foundation
import TestSupport
import Testing

/// Malformed checkpoints and impossible requests: exactly one line on standard error that names the file or
/// flag and the problem, a non-zero exit status, and no output directory (nor a temporary one) left behind.
@Suite struct BadExportInputTests {
    /// A tiny valid checkpoint (5 steps of the digits MLP), shared by the cases.
    static let checkpoint: Result<String, any Error> = Result {
        let directory = BuiltProducts.temporaryDirectory("partita-export-bad")
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            ["train", "--set", "run.dir=\(directory)", "--set", "model.hidden=[16]", "--set", "train.max_steps=5"])
        guard output.status == 0 else { throw BuiltProducts.Failure(description: output.stderr) }
        return "\(directory)/digits-mlp/checkpoints/latest"
    }

    struct Case: CustomStringConvertible, Sendable {
        let description: String
        /// Prepares the input in the directory and returns the arguments after `partita export CHECKPOINT`
        /// (the checkpoint is given as the first element when the case replaces it).
        let arguments: @Sendable (_ directory: String, _ checkpoint: String) throws -> [String]
        let expected: [String]
    }

    static let cases: [Case] = [
        Case(
            description: "checkpoint that is not a checkpoint",
            arguments: { dir, _ in
                try Data("not safetensors at all".utf8).write(to: URL(fileURLWithPath: "\(dir)/x.safetensors"))
                return ["\(dir)/x.safetensors"]
            }, expected: ["x.safetensors"]),
        Case(
            description: "truncated checkpoint",
            arguments: { dir, checkpoint in
                let bytes = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
                try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: "\(dir)/half.safetensors"))
                return ["\(dir)/half.safetensors"]
            }, expected: ["half.safetensors"]),
        Case(
            description: "missing checkpoint", arguments: { dir, _ in ["\(dir)/nothing.safetensors"] },
            expected: ["nothing.safetensors"]),
        Case(
            description: "sparsity 1.2", arguments: { _, c in [c, "--prune", "sparsity=1.2"] },
            expected: ["--prune sparsity=1.2", "[0, 1)"]),
        Case(
            description: "all hidden units", arguments: { _, c in [c, "--prune", "units=1"] },
            expected: ["--prune units=1", "[0, 1)"]),
        Case(
            description: "unknown pruning kind", arguments: { _, c in [c, "--prune", "channels=0.5"] },
            expected: ["--prune channels=0.5", "unknown kind"]),
        Case(
            description: "no test split to calibrate on", arguments: { _, c in [c, "--calibrate", "test"] },
            expected: ["--calibrate test", "no test split"]),
        Case(
            description: "missing calibration file", arguments: { dir, c in [c, "--calibrate", "\(dir)/calib.npy"] },
            expected: ["calib.npy"]),
        Case(
            description: "calibration data of another width",
            arguments: { dir, c in
                var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }"
                while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
                header += "\n"
                let bytes =
                    [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
                    + [UInt8](repeating: 0, count: 60)
                try Data(bytes).write(to: URL(fileURLWithPath: "\(dir)/narrow.npy"))
                return [c, "--calibrate", "\(dir)/narrow.npy"]
            }, expected: ["narrow.npy", "5 features", "takes 64"]),
        Case(
            description: "calibration data in another format",
            arguments: { dir, c in [c, "--calibrate", "\(dir)/x.csv"] },
            expected: ["--calibrate", "x.csv", ".npy"]),
        Case(
            description: "prefix that is no C identifier", arguments: { _, c in [c, "--prefix", "9lives"] },
            expected: ["--prefix 9lives", "C identifier"]),
        Case(
            description: "percentile below the median", arguments: { _, c in [c, "--percentile", "30"] },
            expected: ["--percentile 30", "(50, 100]"]),
        Case(
            description: "data override for fine-tuning",
            arguments: { _, c in [c, "--fine-tune-epochs", "1", "--set", "data.name=fashion-mnist"] },
            expected: ["--set data.name=fashion-mnist", "optimizer.*"]),
        Case(
            description: "unknown output format", arguments: { _, c in [c, "--format", "c,onnx"] },
            expected: ["--format c,onnx", "unknown format 'onnx'"]),
        Case(
            description: "negative test vector count", arguments: { _, c in [c, "--test-vectors=-1"] },
            expected: ["--test-vectors -1", "≥ 0"]),
        Case(
            description: "checkpoint with a NaN weight",
            arguments: { dir, c in
                [try poisoned(c, tensor: "model.layers.1.weight", into: dir + "/nan.safetensors", value: .nan)]
            },
            expected: ["nan.safetensors", "model.layers.1.weight", "nan", "element 0"]),
        Case(
            description: "checkpoint with an infinite bias",
            arguments: { dir, c in
                [try poisoned(c, tensor: "model.layers.0.bias", into: dir + "/inf.safetensors", value: -.infinity)]
            },
            expected: ["inf.safetensors", "model.layers.0.bias", "-inf"]),
        Case(
            description: "pruning that empties a layer",
            arguments: { _, c in [c, "--prune", "sparsity=0.999", "--prune-scope", "global"] },
            expected: ["--prune sparsity=0.999 --prune-scope global", "leaves layer", "non-zero weight"]),
        Case(
            description: "output directory without a parent",
            arguments: { dir, c in [c, "-o", "\(dir)/no/such/export"] }, expected: ["no/such", "does not exist"]),
    ]

    /// A copy of the safetensors checkpoint at `source` whose first float32 element of `tensor` is `value`.
    static func poisoned(_ source: String, tensor: String, into path: String, value: Float) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any]
        guard let entry = header?[tensor] as? [String: Any], entry["dtype"] as? String == "F32",
            let offsets = entry["data_offsets"] as? [Int]
        else { throw BuiltProducts.Failure(description: "no float32 tensor \(tensor) in \(source)") }
        let start = 8 + headerLength + offsets[0]
        for k in 0..<4 { bytes[start + k] = UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32(k))) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: cases)
    func oneClearLineAndNothingWritten(_ testCase: Case) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-export-case")
        let checkpoint = try Self.checkpoint.get()
        var arguments = try testCase.arguments(directory, checkpoint)
        if !arguments.contains("-o") { arguments += ["-o", "\(directory)/export"] }
        let output = try BuiltProducts.run(BuiltProducts.partita, ["export"] + arguments)
        #expect(output.status == 1)
        let lines = output.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "stderr: \(output.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("partita: error: "), "\(line)")
        for text in testCase.expected { #expect(line.contains(text), "'\(text)' not in: \(line)") }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!left.contains { $0 == "export" || $0.contains(".partial") }, "left behind: \(left)")
    }

    @Test func existingOutputIsNotTouchedWithoutForce() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-export-exists")
        let checkpoint = try Self.checkpoint.get()
        try FileManager.default.createDirectory(atPath: "\(directory)/export", withIntermediateDirectories: false)
        try "keep me".write(toFile: "\(directory)/export/notes.txt", atomically: false, encoding: .utf8)
        let output = try BuiltProducts.run(BuiltProducts.partita, ["export", checkpoint, "-o", "\(directory)/export"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("already exists") && output.stderr.contains("--force"), "\(output.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/export") == ["notes.txt"])
        // With --force the directory is replaced whole.
        let forced = try BuiltProducts.run(
            BuiltProducts.partita, ["export", checkpoint, "-o", "\(directory)/export", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/export")) == [
                "model.h", "model.c", "model_input.h", "model.tflite", "test_vectors", "export.json",
            ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["export"])
    }

    /// A relative output directory (a bare name) in the current directory.
    @Test func relativeOutputDirectory() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-export-relative")
        let checkpoint = try Self.checkpoint.get()
        let output = try BuiltProducts.run(
            BuiltProducts.partita, ["export", checkpoint, "-o", "z"], directory: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/z/model.c"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["z"])
    }
}
