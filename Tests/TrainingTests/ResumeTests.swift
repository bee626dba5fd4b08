import Checkpoints
import Cluster
import Configuration
import Foundation
import Logging
import Networks
import Testing
import Training

/// Stopping and resuming gives the same parameters, bit for bit, as not stopping; a checkpoint that does
/// not fit the model is one clear error.
@Suite(.serialized) struct ResumeTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partita-resume-\(UUID())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func config(_ directory: String, name: String, _ extra: [String]) throws -> ResolvedConfig {
        try ConfigLoader.load(
            path: nil,
            overrides: [
                "run.dir=\(directory)", "run.name=\(name)", "model.hidden=[24]", "train.epochs=4",
                "train.log_every=5", "train.checkpoint_every=7", "data.batch_size=50",
            ] + extra)
    }

    static func train(_ config: ResolvedConfig, resume: String? = nil, overrides: [String] = []) throws -> String {
        let outcome = try TrainingSession.run(
            config: config, resume: resume, resumeOverrides: overrides, commandLine: [],
            communicator: SingleProcessCommunicator(), logger: logger, observer: nil)
        return outcome.runDirectory!
    }

    static func parameters(_ run: String) throws -> (step: Int, values: [Float]) {
        let checkpoint = try CheckpointFile.read(path: run + "/checkpoints/latest")
        let values = try checkpoint.contents.names.filter { $0.hasPrefix("model.") || $0.hasPrefix("optimizer.") }
            .flatMap { name -> [Float] in
                let tensor = try checkpoint.contents.tensor(named: name)
                return tensor.dtype == .f32
                    ? try checkpoint.contents.values(name, as: Float.self)
                    : tensor.dtype == .f64
                        ? try checkpoint.contents.values(name, as: Double.self).map(Float.init)
                        : try checkpoint.contents.values(name, as: Int64.self).map(Float.init)
            }
        return (checkpoint.step, values)
    }

    /// 2N = 40 steps straight against 20 steps, stop, resume, 20 more; for SGD with momentum and for Adam
    /// (both keep state). The interrupted run stops between checkpoints (at 20, last checkpoint at 14 + the
    /// final one at 20), so the resume starts from the final checkpoint.
    @Test(arguments: [
        ["optimizer.name=sgd", "optimizer.momentum=0.9"], ["optimizer.name=adam", "optimizer.lr=0.003"],
    ])
    func resumeEqualsNoStop(_ optimizer: [String]) throws {
        let directory = Self.temporaryDirectory()
        let straight = try Self.train(Self.config(directory, name: "straight", optimizer + ["train.max_steps=40"]))
        let stopped = try Self.train(Self.config(directory, name: "stopped", optimizer + ["train.max_steps=20"]))
        #expect(try Self.parameters(stopped).step == 20)
        let resumed = try Self.train(ResolvedConfig(), resume: stopped, overrides: ["train.max_steps=40"])
        #expect(resumed == stopped)
        let a = try Self.parameters(straight)
        let b = try Self.parameters(resumed)
        #expect(a.step == 40 && b.step == 40)
        #expect(a.values == b.values, "resumed parameters differ from the uninterrupted run")
        // The metrics file reads as one run: every training record step appears once.
        let steps = try String(contentsOfFile: resumed + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"split\":\"train\"") }.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["step"] as? Int
            }
        #expect(steps == [5, 10, 15, 20, 25, 30, 35, 40])
    }

    @Test func sameConfigSameResult() throws {
        let directory = Self.temporaryDirectory()
        let a = try Self.train(Self.config(directory, name: "a", ["train.max_steps=15"]))
        let b = try Self.train(Self.config(directory, name: "a", ["train.max_steps=15"]))
        #expect(b.hasSuffix("a-2"))  // a second run never overwrites the first
        #expect(try Self.parameters(a).values == Self.parameters(b).values)
        let c = try Self.train(Self.config(directory, name: "c", ["train.max_steps=15", "run.seed=1"]))
        #expect(try Self.parameters(a).values != Self.parameters(c).values)
    }

    @Test func checkpointWithOtherShapesIsOneClearError() throws {
        let directory = Self.temporaryDirectory()
        let run = try Self.train(Self.config(directory, name: "shapes", ["train.max_steps=10"]))
        // Someone edits the run's config: the checkpoint no longer fits the model it describes.
        let configPath = run + "/config.yaml"
        let edited = try String(contentsOfFile: configPath, encoding: .utf8).replacingOccurrences(
            of: "hidden: [24]", with: "hidden: [16]")
        try edited.write(toFile: configPath, atomically: true, encoding: .utf8)
        do {
            _ = try Self.train(ResolvedConfig(), resume: run, overrides: ["train.max_steps=20"])
            Issue.record("resume should fail")
        } catch let error as CheckpointError {
            #expect(
                error.description
                    == "\(run)/checkpoints/latest: tensor 'model.layers.0.weight' has shape [24, 64] but the model "
                    + "needs [16, 64] (the checkpoint is from a differently configured model)")
        }
    }

    @Test func resumeRejectsChangesOutsideTrain() throws {
        let directory = Self.temporaryDirectory()
        let run = try Self.train(Self.config(directory, name: "fixed", ["train.max_steps=5"]))
        #expect(throws: ConfigError.self) {
            _ = try Self.train(ResolvedConfig(), resume: run, overrides: ["optimizer.lr=1"])
        }
    }
}
