import Export
import Foundation
import Networks
import Tensors
import TestSupport
import Testing

/// The emitted files for two tiny fixed networks, word for word against the golden files in Snapshots/
/// (a missing golden file fails and is recorded; `PARTITA_RECORD_SNAPSHOTS=1` re-records).
@Suite struct SnapshotTests {
    /// A 4-3-2 network with hand-written weights, calibrated on six fixed inputs.
    static func tiny(_ activation: Activation) throws -> QuantizedMLP {
        let architecture = MLPArchitecture(sizes: [4, 3, 2], activation: activation)
        let values: [Float] = [
            0.5, -0.25, 0.125, 1.0, -0.75, 0.0, 0.3, 0.2, 0.05, -0.6, 0.9, -0.1,  // W0 (3, 4)
            0.1, -0.2, 0.05,  // b0 (3)
            1.2, -0.7, 0.4, -0.3, 0.8, 0.6,  // W1 (2, 3)
            0.02, -0.03,  // b1 (2)
        ]
        let model = MLP(architecture, parameters: ParameterBuffer(layout: architecture.layout, values: values))
        let inputs = Matrix<Float>([
            [0, 1, 2, 3], [-1, 0.5, 0.25, -2], [1.5, -1.5, 0, 0.75], [0.1, 0.2, -0.3, 0.4], [-2, -1, 1, 2],
            [2.5, 0, -0.5, 1],
        ])
        let ranges = CalibrationRanges.measure(model: model, inputs: inputs)
        return try Quantizer.quantize(model, ranges: ranges)
    }

    @Test(arguments: ["relu", "tanh"])
    func emittedFilesMatchTheGoldenFiles(_ name: String) throws {
        let emitter = try CEmitter(
            model: try Self.tiny(Activation(name: name)!), prefix: "tiny", summary: "The \(name) snapshot model.")
        if let mismatch = Snapshot.mismatch(emitter.header, named: "tiny-\(name).h") { Issue.record("\(mismatch)") }
        if let mismatch = Snapshot.mismatch(emitter.source, named: "tiny-\(name).c") { Issue.record("\(mismatch)") }
    }

    /// model_input.h for each normalization, and the `.tflite` bytes of the tiny relu model (hex, 32 bytes a
    /// line), against golden files.
    @Test func inputHeaderAndTFLiteMatchTheGoldenFiles() throws {
        let model = try Self.tiny(.relu)
        let emitter = try CEmitter(model: model, prefix: "tiny", summary: "The relu snapshot model.")
        let normalizations: [(String, InputNormalization)] = [
            ("standardize", .standardize(mean: [0.5, 1, 1.5, 2], std: [1, 0.25, 3, 1e-3])), ("scale", .scale(1 / 16)),
            ("unit-norm", .unitNorm), ("none", .none),
        ]
        for (name, normalization) in normalizations {
            if let mismatch = Snapshot.mismatch(
                emitter.inputHeader(normalization: normalization), named: "tiny-input-\(name).h")
            {
                Issue.record("\(mismatch)")
            }
        }
        let bytes = TFLiteModel(model, description: "The relu snapshot model.").serialized()
        let hex =
            stride(from: 0, to: bytes.count, by: 32).map { start in
                bytes[start..<min(start + 32, bytes.count)].map { String(format: "%02x", $0) }.joined()
            }.joined(separator: "\n") + "\n"
        if let mismatch = Snapshot.mismatch(hex, named: "tiny-relu.tflite.hex") { Issue.record("\(mismatch)") }
    }

    @Test func referenceKernelMatchesTheGoldenFile() throws {
        let emitter = try CEmitter(
            model: try Self.tiny(.relu), prefix: "tiny", kernel: .reference, summary: "The relu snapshot model.")
        if let mismatch = Snapshot.mismatch(emitter.source, named: "tiny-relu-reference.c") {
            Issue.record("\(mismatch)")
        }
    }
}
