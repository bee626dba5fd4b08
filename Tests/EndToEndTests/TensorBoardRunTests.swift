import Checkpoints
import Foundation
import Reports
import TestSupport
import Testing
import Training

/// The event files of real runs, read by TensorBoard's own `EventAccumulator`: every number the run logged
/// (metrics.jsonl, gaussianity.jsonl, each rank's step timing) is a TensorBoard scalar at the same step, equal
/// to the logged value as a 32-bit float; every parameter histogram counts the tensor's size.
@Suite(.serialized) struct TensorBoardRunTests {
    /// The expected scalars of a JSON-lines file: the numbers and booleans (0/1) of each record under
    /// `prefix(record)/field`, arrays flattened as `/i`, the record's `step` as the step; written here from the
    /// format's description, independently of the mirror. (`JSONValue` reads numbers exactly; Foundation's
    /// JSON parser can be a unit in the last place off.)
    static func expectedScalars(
        _ path: String, skipping: Set<String>, prefix: (JSONValue) -> String?
    ) throws -> [String: [Int: [Float]]] {
        var result = [String: [Int: [Float]]]()
        func add(_ value: JSONValue, _ tag: String, _ step: Int) {
            switch value {
            case .object(let object): for (key, element) in object { add(element, tag + "/" + key, step) }
            case .array(let array):
                for (index, element) in array.enumerated() { add(element, tag + "/\(index)", step) }
            case .number(let number): result[tag, default: [:]][step, default: []].append(Float(number))
            case .bool(let flag): result[tag, default: [:]][step, default: []].append(flag ? 1 : 0)
            case .null, .string: break
            }
        }
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let record = try #require(JSONValue(parsing: line))
            guard let step = record["step"]?.integer, let prefix = prefix(record), let fields = record.object else {
                continue
            }
            for (key, value) in fields where !skipping.contains(key) { add(value, prefix + "/" + key, step) }
        }
        return result
    }

    /// The step time and all-reduce wait of each rank's `steps` log records, as `rank-NNNN/<field>`.
    static func expectedRankScalars(_ run: String, ranks: Int) throws -> [String: [Int: [Float]]] {
        var result = [String: [Int: [Float]]]()
        for rank in 0..<ranks {
            let text = try String(contentsOfFile: RunFiles.rankLog(run, rank: rank), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard record["message"] as? String == "steps", let metadata = record["metadata"] as? [String: String],
                    let step = metadata["step"].flatMap(Int.init)
                else { continue }
                for key in ["step_time_ms", "allreduce_wait_ms"] {
                    let value = try #require(metadata[key].flatMap(Double.init))
                    result[String(format: "rank-%04d/", rank) + key, default: [:]][step, default: []].append(
                        Float(value))
                }
            }
        }
        return result
    }

    /// Every expected scalar is in the log at its steps with its values, and the log has no other points
    /// under those tags.
    static func expectScalars(_ expected: [String: [Int: [Float]]], in log: TensorBoardLog) {
        #expect(!expected.isEmpty)
        for (tag, byStep) in expected {
            guard let points = log.scalars[tag] else {
                Issue.record("TensorBoard has no scalar \(tag)")
                continue
            }
            let read = Dictionary(grouping: points, by: \.step).mapValues { $0.map { Float($0.value) } }
            #expect(read == byStep, "\(tag)")
        }
    }

    /// The element count of each parameter tensor in the run's last checkpoint (`model.<name>`).
    static func parameterSizes(_ run: String) throws -> [String: Int] {
        let checkpoint = try CheckpointFile.read(path: run + "/checkpoints/latest")
        var sizes = [String: Int]()
        for tensor in checkpoint.contents.tensors where tensor.name.hasPrefix("model.") {
            sizes["parameters/" + tensor.name.dropFirst("model.".count)] = tensor.shape.reduce(1, *)
        }
        return sizes
    }

    /// The steps of the run's validation records: the evaluations, where the parameter histograms are taken.
    static func validationSteps(_ run: String) throws -> [Int] {
        try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            let record = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            return record?["split"] as? String == "validation" ? record?["step"] as? Int : nil
        }
    }

    static func expectParameterHistograms(_ run: String, _ log: TensorBoardLog) throws {
        let sizes = try parameterSizes(run)
        let steps = try validationSteps(run)
        #expect(!sizes.isEmpty && !steps.isEmpty)
        for (tag, size) in sizes {
            let events = try #require(log.histograms[tag], "no histogram \(tag)")
            #expect(events.map(\.step) == steps, "\(tag)")
            for event in events {
                #expect(event.count == Double(size), "\(tag) at \(event.step)")
                #expect(event.bucketCounts.reduce(0, +) == Double(size), "\(tag) at \(event.step)")
            }
        }
    }

    static func train(_ arguments: [String], ranks: Int? = nil) throws {
        let output =
            try ranks.map { try MPIRun.partita(ranks: $0, ["train", "--plain"] + arguments) }
            ?? BuiltProducts.run(BuiltProducts.partita, ["train", "--plain"] + arguments)
        #expect(output.status == 0, "\(output.stderr)")
    }

    static func settings(_ directory: String, _ name: String, _ values: [String]) -> [String] {
        (["run.dir=\(directory)", "run.name=\(name)", "model.hidden=[32]"] + values).flatMap { ["--set", $0] }
    }

    /// Alrao on 2 ranks under mpirun: losses, accuracies, learning rate, Alrao's posterior and per-copy losses
    /// and rates, both ranks' step times and all-reduce waits; parameter histograms (hidden layer and every
    /// output copy) at each evaluation; the config as text at step 0.
    @Test func twoRankAlraoRunEqualsItsMetrics() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-tensorboard")
        try Self.train(
            Self.settings(
                directory, "alrao",
                [
                    "optimizer.name=alrao", "train.max_steps=40", "train.log_every=5", "train.eval_every=10",
                    "data.batch_size=32",
                ]),
            ranks: 2)
        let run = directory + "/alrao"
        let files = TensorBoardLog.eventFiles(in: run + "/tensorboard")
        #expect(files.count == 1)
        let log = try TensorBoardLog(directory: run + "/tensorboard")
        let metrics = try Self.expectedScalars(
            run + "/metrics.jsonl", skipping: ["step", "time", "split"], prefix: { $0["split"]?.string })
        #expect(metrics.keys.contains("alrao/posterior/0") && metrics.keys.contains("validation/accuracy"))
        Self.expectScalars(metrics, in: log)
        let ranks = try Self.expectedRankScalars(run, ranks: 2)
        #expect(ranks.keys.contains("rank-0001/allreduce_wait_ms"))
        Self.expectScalars(ranks, in: log)
        try Self.expectParameterHistograms(run, log)
        let config = try String(contentsOfFile: run + "/config.yaml", encoding: .utf8)
        #expect(log.texts["config"]?.map(\.step) == [0])
        #expect(log.texts["config"]?.first?.strings == ["```yaml\n" + config + "```\n"])
    }

    /// A run with the Gaussianity probe: its statistics are scalars `gaussianity/layer-l/<field>` and each
    /// layer's gathered pre-activations a histogram counting the subsample (min(subsample, probe rows × width)).
    @Test func gaussianityProbeRunEqualsItsRecords() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-tensorboard")
        try Self.train(
            Self.settings(
                directory, "probe",
                [
                    "train.max_steps=30", "train.log_every=5", "train.eval_every=10",
                    "diagnostics.gaussianity_every=10",
                    "diagnostics.probe_size=64", "diagnostics.subsample=1000",
                ]))
        let run = directory + "/probe"
        let log = try TensorBoardLog(directory: run + "/tensorboard")
        Self.expectScalars(
            try Self.expectedScalars(
                run + "/metrics.jsonl", skipping: ["step", "time", "split"], prefix: { $0["split"]?.string }),
            in: log)
        let gaussianity = try Self.expectedScalars(
            run + "/gaussianity.jsonl", skipping: ["step", "time", "layer"],
            prefix: { $0["layer"]?.integer.map { "gaussianity/layer-\($0)" } })
        #expect(gaussianity.keys.contains("gaussianity/layer-1/ks_standard"))
        Self.expectScalars(gaussianity, in: log)
        try Self.expectParameterHistograms(run, log)
        // Widths 32 and 10 over 64 probe rows: 2048 values (1000 gathered) and 640 (all gathered).
        for (layer, count) in [(0, 1000.0), (1, 640.0)] {
            let events = try #require(log.histograms["gaussianity/preactivations/layer-\(layer)"])
            #expect(events.map(\.step) == [0, 10, 20, 30])
            #expect(events.allSatisfy { $0.count == count && $0.bucketCounts.reduce(0, +) == count })
        }
    }

    /// A resumed run appends a new event file; TensorBoard, like metrics.jsonl, drops what the interrupted run
    /// logged after the checkpoint it resumes from, so the two still agree point for point.
    @Test func resumedRunAppendsAFileAndAgreesWithItsMetrics() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-tensorboard")
        try Self.train(
            Self.settings(
                directory, "resume", ["train.max_steps=20", "train.log_every=5", "train.checkpoint_every=10"]))
        let run = directory + "/resume"
        // Pretend the run died after step 20 but before its step-20 checkpoint: resume from step 10.
        let checkpoints = run + "/checkpoints"
        try FileManager.default.removeItem(atPath: checkpoints + "/step-000020.safetensors")
        try FileManager.default.removeItem(atPath: checkpoints + "/latest")
        try FileManager.default.createSymbolicLink(
            atPath: checkpoints + "/latest", withDestinationPath: "step-000010.safetensors")
        try Self.train(["--resume", run, "--set", "train.max_steps=30"])
        #expect(TensorBoardLog.eventFiles(in: run + "/tensorboard").count == 2)
        let log = try TensorBoardLog(directory: run + "/tensorboard")
        let metrics = try Self.expectedScalars(
            run + "/metrics.jsonl", skipping: ["step", "time", "split"], prefix: { $0["split"]?.string })
        #expect(metrics["train/loss"]?.keys.sorted() == [5, 10, 15, 20, 25, 30])
        Self.expectScalars(metrics, in: log)
        #expect(log.texts["config"]?.map(\.step) == [0, 10])
    }

    /// `train.tensorboard: false` writes no event file.
    @Test func tensorBoardCanBeTurnedOff() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-tensorboard")
        try Self.train(Self.settings(directory, "off", ["train.max_steps=5", "train.tensorboard=false"]))
        #expect(!FileManager.default.fileExists(atPath: directory + "/off/tensorboard"))
    }
}
