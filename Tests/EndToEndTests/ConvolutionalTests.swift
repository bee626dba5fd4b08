import Checkpoints
import Foundation
import Networks
import TestSupport
import Testing

/// Convolutional networks (`model.layers`) through the built binary: data-parallel training under `mpirun`,
/// resume, and shape errors before training. `ConvolutionalEvaluationTests` checks `partita eval` against numpy.
@Suite(.serialized) struct ConvolutionalTests {
    /// Conv, depthwise, both pools, flatten and dense on the bundled digits (8×8×1).
    static let layers = [
        "conv2d 4 3x3 same", "tanh", "maxpool 2", "depthwise 3x3 same", "relu", "avgpool 2 stride 1 same",
        "flatten", "dense 16", "tanh", "dense 10",
    ]

    static func stack() throws -> LayerStack {
        try LayerStack(
            input: .image(height: 8, width: 8, channels: 1),
            layers: layers.enumerated().map { try Layer(spec: $0.element, index: $0.offset) })
    }

    static var layersSetting: String { "model.layers=[" + layers.joined(separator: ", ") + "]" }

    static func train(ranks: Int, _ directory: String, _ settings: [String], name: String) throws -> String {
        let arguments =
            ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "run.name=\(name)", "--set", layersSetting]
            + settings.flatMap { ["--set", $0] }
        let output = try MPIRun.partita(ranks: ranks, arguments)
        #expect(output.status == 0, "\(ranks) ranks: \(output.stderr)")
        return "\(directory)/\(name)"
    }

    static func finalParameters(_ run: String) throws -> (step: Int, values: [Double]) {
        let checkpoint = try CheckpointFile.read(path: run + "/checkpoints/latest")
        return (checkpoint.step, try checkpoint.parameters(layout: try stack().layout, as: Double.self).values)
    }

    /// After 8 steps, 2 and 3 ranks (each a share of the global batch of 60) equal one rank with the whole
    /// batch within 1e-10 relative (float64; only the order of the gradient sum differs), for SGD with
    /// momentum through host-shared memory and for Adam through per-layer MPI buckets (a bucket per layer
    /// with parameters: the pools, activations and flatten complete none).
    @Test(arguments: [("sgd", 0.0, "shared-memory"), ("adam", 0.0001, "mpi")])
    func nRanksEqualOneRankWithTheWholeBatch(_ optimizer: String, _ bucketMB: Double, _ allreduce: String) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-conv-ddp")
        let settings = [
            "model.dtype=float64", "optimizer.name=\(optimizer)", "optimizer.momentum=0.9", "data.batch_size=60",
            "train.max_steps=8", "train.bucket_mb=\(bucketMB)", "train.allreduce=\(allreduce)",
            "train.hash_check_every=4", "optimizer.lr=\(optimizer == "adam" ? 0.01 : 0.1)",
        ]
        let reference = try Self.finalParameters(try Self.train(ranks: 1, directory, settings, name: "ranks-1"))
        #expect(reference.step == 8)
        let initial = try Self.stack().initialParameters(.he, seed: 0, as: Double.self).values
        #expect(Tolerance.relativeError(reference.values, initial) > 1e-3, "training did not move the parameters")
        for ranks in [2, 3] {
            let parameters = try Self.finalParameters(
                try Self.train(ranks: ranks, directory, settings, name: "r\(ranks)"))
            let error = Tolerance.relativeError(parameters.values, reference.values)
            #expect(error < 1e-10, "\(optimizer), \(ranks) ranks: relative error \(error)")
        }
    }

    /// Stopping after 6 steps and resuming to 12 gives bit for bit the parameters and Adam moments of 12 steps
    /// without a stop.
    @Test func resumeIsBitwise() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-conv-resume")
        let settings = ["optimizer.name=adam", "optimizer.lr=0.01", "data.batch_size=32"]
        let whole = try Self.train(ranks: 1, directory, settings + ["train.max_steps=12"], name: "whole")
        let stopped = try Self.train(ranks: 1, directory, settings + ["train.max_steps=6"], name: "stopped")
        let resumed = try BuiltProducts.run(
            BuiltProducts.partita, ["train", "--plain", "--resume", stopped, "--set", "train.max_steps=12"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try CheckpointFile.read(path: whole + "/checkpoints/latest")
        let b = try CheckpointFile.read(path: stopped + "/checkpoints/latest")
        #expect(a.step == 12 && b.step == 12)
        let layout = try Self.stack().layout
        let pa = try a.parameters(layout: layout, as: Float.self).values
        let pb = try b.parameters(layout: layout, as: Float.self).values
        #expect(pa.map(\.bitPattern) == pb.map(\.bitPattern), "resumed parameters differ")
        let sa = try a.optimizerState(layout: layout, as: Float.self).state
        let sb = try b.optimizerState(layout: layout, as: Float.self).state
        #expect(sa == sb, "resumed optimizer state differs")
    }

    struct ShapeCase: CustomStringConvertible, Sendable {
        let description: String
        let settings: [String]
        /// Text the one error line must contain.
        let expected: [String]
    }

    static let shapeCases: [ShapeCase] = [
        ShapeCase(
            description: "kernel larger than its input", settings: ["model.layers=[conv2d 4 9x9, flatten, dense 10]"],
            expected: ["model.layers", "layer 0", "9×9 kernel is larger than its input (8, 8, 1)", "padding same"]),
        ShapeCase(
            description: "pool that does not fit",
            settings: ["model.layers=[maxpool 4, maxpool 4, flatten, dense 10]"],
            expected: ["layer 1", "4×4 pool is larger than its input (2, 2, 1)"]),
        ShapeCase(
            description: "dense after conv without flatten", settings: ["model.layers=[conv2d 4 3x3, dense 10]"],
            expected: ["layer 1 (dense 10)", "(6, 6, 4)", "insert flatten"]),
        ShapeCase(
            description: "conv on flat data",
            settings: ["data.name=gaussian-classes", "model.layers=[conv2d 4 3x3, flatten, dense 3]"],
            expected: ["layer 0", "flat vectors of 10 features", "images come from"]),
        ShapeCase(
            description: "last layer is not one output per class", settings: ["model.layers=[flatten, dense 7]"],
            expected: ["layer 1 (dense 7) outputs (7)", "classification (10 classes)", "end the layers with dense 10"]),
        ShapeCase(
            description: "unparsable spec", settings: ["model.layers=[conv2d 4 3y3, flatten, dense 10]"],
            expected: ["model.layers", "layer 0 (conv2d 4 3y3)", "KHxKW"]),
        ShapeCase(
            description: "unknown layer", settings: ["model.layers=[flaten, dense 10]"],
            expected: ["layer 0 (flaten)", "unknown layer 'flaten'"]),
        ShapeCase(
            description: "method without layer support",
            settings: ["optimizer.name=grouped-newton", "model.layers=[flatten, dense 10]"],
            expected: ["optimizer.name", "grouped-newton does not train model.layers yet", "issue 16"]),
    ]

    /// Each bad layer list is one error line naming the layer, the shapes and the fix, exit status 1, and no
    /// run directory; `partita config` reports the shape errors exactly as `partita train` does.
    @Test(arguments: shapeCases)
    func shapeErrorsBeforeTraining(_ testCase: ShapeCase) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-conv-bad")
        let settings = testCase.settings.flatMap { ["--set", $0] }
        for command in ["train", "config"] {
            let output = try BuiltProducts.run(
                BuiltProducts.partita, [command] + settings + ["--set", "run.dir=\(directory)/runs"])
            #expect(output.status == 1, "\(command): \(output.stderr)")
            let lines = output.stderr.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1, "\(command) stderr: \(output.stderr)")
            let line = String(lines.first ?? "")
            #expect(line.hasPrefix("partita: error: "), "\(line)")
            for text in testCase.expected { #expect(line.contains(text), "'\(text)' not in: \(line)") }
        }
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/runs")) ?? []
        #expect(runs.isEmpty, "run directories left behind: \(runs)")
    }
}
