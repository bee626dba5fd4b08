import Foundation
import TestSupport
import Testing

/// Bad input never hurts: each malformed file or flag gets exactly one clear line on standard error that
/// names the file and the problem, a non-zero exit status, and no run directory half-written.
@Suite struct BadInputTests {
    struct Case: CustomStringConvertible, Sendable {
        let description: String
        /// Writes the bad input into the directory and returns the command-line arguments after `partita`.
        let arguments: @Sendable (String) throws -> [String]
        /// Text the one error line must contain (besides the file name, checked via `mentions`).
        let expected: [String]
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A `.npy` header for `descr` and `shape`, padded as numpy pads it (total a multiple of 64 bytes).
    static func npyHeader(_ descr: String, _ shape: String, fortran: Bool = false) -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        while (10 + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xff), UInt8(length >> 8)] + Array(dict.utf8)
    }

    static func npyTrainArguments(_ features: String, _ labels: String, _ directory: String) -> [String] {
        [
            "train", "--set", "data.name=npy", "--set", "data.features=\(features)", "--set", "data.labels=\(labels)",
            "--set", "run.dir=\(directory)/runs",
        ]
    }

    static let cases: [Case] = [
        Case(
            description: "truncated npy",
            arguments: { dir in
                try write(npyHeader("<f4", "(100, 4)") + [UInt8](repeating: 0, count: 40), "\(dir)/x.npy")
                try write(npyHeader("|u1", "(100,)") + [UInt8](repeating: 0, count: 100), "\(dir)/y.npy")
                return npyTrainArguments("\(dir)/x.npy", "\(dir)/y.npy", dir)
            }, expected: ["x.npy", "truncated"]),
        Case(
            description: "unsupported npy dtype",
            arguments: { dir in
                try write(npyHeader("<c8", "(2, 2)") + [UInt8](repeating: 0, count: 32), "\(dir)/x.npy")
                try write(npyHeader("|u1", "(2,)") + [0, 1], "\(dir)/y.npy")
                return npyTrainArguments("\(dir)/x.npy", "\(dir)/y.npy", dir)
            }, expected: ["x.npy", "unsupported dtype '<c8'"]),
        Case(
            description: "big-endian npy",
            arguments: { dir in
                try write(npyHeader(">f4", "(2, 2)") + [UInt8](repeating: 0, count: 16), "\(dir)/x.npy")
                try write(npyHeader("|u1", "(2,)") + [0, 1], "\(dir)/y.npy")
                return npyTrainArguments("\(dir)/x.npy", "\(dir)/y.npy", dir)
            }, expected: ["x.npy", "big-endian"]),
        Case(
            description: "IDX with a wrong magic number",
            arguments: { dir in
                try write([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 7], "\(dir)/images.idx")
                try write([0, 0, 8, 1, 0, 0, 0, 1, 7], "\(dir)/labels.idx")
                return [
                    "train", "--set", "data.name=idx", "--set", "data.features=\(dir)/images.idx", "--set",
                    "data.labels=\(dir)/labels.idx", "--set", "run.dir=\(dir)/runs",
                ]
            }, expected: ["images.idx", "magic"]),
        Case(
            description: "CSV with a non-numeric cell",
            arguments: { dir in
                try "1,2,0\n3,4,1\n5,abc,0\n".write(toFile: "\(dir)/data.csv", atomically: true, encoding: .utf8)
                return [
                    "train", "--set", "data.name=csv", "--set", "data.features=\(dir)/data.csv", "--set",
                    "run.dir=\(dir)/runs",
                ]
            }, expected: ["data.csv", "line 3", "'abc'"]),
        Case(
            description: "empty CSV file",
            arguments: { dir in
                try "".write(toFile: "\(dir)/empty.csv", atomically: true, encoding: .utf8)
                return [
                    "train", "--set", "data.name=csv", "--set", "data.features=\(dir)/empty.csv", "--set",
                    "run.dir=\(dir)/runs",
                ]
            }, expected: ["empty.csv", "empty"]),
        Case(
            description: "empty npy file",
            arguments: { dir in
                try write([], "\(dir)/x.npy")
                try write(npyHeader("|u1", "(2,)") + [0, 1], "\(dir)/y.npy")
                return npyTrainArguments("\(dir)/x.npy", "\(dir)/y.npy", dir)
            }, expected: ["x.npy", "empty"]),
        Case(
            description: "unknown config key",
            arguments: { dir in
                try "train:\n  epochs: 3\n  learning_rate: 0.1\n".write(
                    toFile: "\(dir)/config.yaml", atomically: true, encoding: .utf8)
                return ["train", "\(dir)/config.yaml", "--set", "run.dir=\(dir)/runs"]
            }, expected: ["config.yaml:3", "unknown key 'train.learning_rate'"]),
        Case(
            description: "wrongly typed config value",
            arguments: { dir in
                try "optimizer:\n  momentum: lots\n".write(
                    toFile: "\(dir)/config.yaml", atomically: true, encoding: .utf8)
                return ["train", "\(dir)/config.yaml", "--set", "run.dir=\(dir)/runs"]
            }, expected: ["config.yaml:2", "optimizer.momentum must be a number"]),
        Case(
            description: "checkpoint that is not a checkpoint",
            arguments: { dir in
                try write(Array("definitely not safetensors".utf8), "\(dir)/model.safetensors")
                return ["eval", "\(dir)/model.safetensors"]
            }, expected: ["model.safetensors"]),
        Case(
            description: "missing checkpoint",
            arguments: { dir in ["eval", "\(dir)/nothing.safetensors"] }, expected: ["nothing.safetensors"]),
        Case(
            description: "batch not divisible into steps",
            arguments: { dir in ["train", "--set", "data.batch_size=5000", "--set", "run.dir=\(dir)/runs"] },
            expected: ["batch"]),
        Case(
            description: "stats on a truncated npy",
            arguments: { dir in
                try write(npyHeader("<f8", "(100,)") + [UInt8](repeating: 0, count: 80), "\(dir)/samples.npy")
                return ["stats", "\(dir)/samples.npy"]
            }, expected: ["samples.npy", "truncated"]),
        Case(
            description: "stats on a non-finite value",
            arguments: { dir in
                let values: [Double] = [1, 2, .nan, 4]
                try write(npyHeader("<f8", "(4,)") + values.withUnsafeBytes { Array($0) }, "\(dir)/samples.npy")
                return ["stats", "\(dir)/samples.npy"]
            }, expected: ["samples.npy", "value 2 is nan"]),
        Case(
            description: "Weibull-paired activation with a θ outside its table",
            arguments: { dir in
                [
                    "train", "--set", "model.activation=weibull-odd", "--set", "model.weibull_theta=3.5", "--set",
                    "run.dir=\(dir)/runs",
                ]
            }, expected: ["model.weibull_theta", "valid θ: 2.05, 2.1, 2.2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10"]),
    ]

    @Test(arguments: cases)
    func oneClearLineAndNonZeroExit(_ testCase: Case) throws {
        let directory = BuiltProducts.temporaryDirectory()
        let output = try BuiltProducts.run(BuiltProducts.partita, try testCase.arguments(directory))
        #expect(output.status != 0)
        let lines = output.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "stderr: \(output.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("partita: error: "), "\(line)")
        for text in testCase.expected { #expect(line.contains(text), "'\(text)' not in: \(line)") }
        #expect(!output.stderr.contains("Fatal error"), "\(output.stderr)")
        // No run directory is created for input that was rejected before training.
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/runs")) ?? []
        #expect(runs.isEmpty, "run directories left behind: \(runs)")
    }

    @Test func usageErrorsGoThroughArgumentParser() throws {
        let output = try BuiltProducts.run(BuiltProducts.partita, ["train", "a.yaml", "--resume", "runs/x"])
        #expect(output.status == 64)  // EX_USAGE
        #expect(output.stderr.contains("give either a config file or --resume RUN, not both"))
    }
}
