import Checkpoints
import Cluster
import Configuration
import Export
import Foundation
import Logging
import Networks
import TestSupport
import Testing
import Training

/// Gradual pruning inside the real training loop (`Trainer` with `export.final_sparsity`): the schedule's
/// sparsity is reached exactly, pruned weights are exactly zero through SGD with momentum and weight decay
/// and through Adam, and a resumed pruning run equals an uninterrupted one bit for bit.
@Suite(.serialized) struct GradualPruningTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func train(_ overrides: [String], directory: String, name: String, resume: String? = nil) throws -> String {
        let config = try ConfigLoader.load(
            path: nil,
            overrides: [
                "run.dir=\(directory)", "run.name=\(name)", "model.hidden=[32]", "train.epochs=6",
                "train.checkpoint_every=0", "export.final_sparsity=0.75", "export.prune_every=5",
            ] + overrides)
        let outcome = try TrainingSession.run(
            config: resume == nil ? config : ResolvedConfig(), resume: resume,
            resumeOverrides: resume == nil ? [] : overrides.filter { $0.hasPrefix("train.") }, commandLine: [],
            communicator: SingleProcessCommunicator(), logger: logger, observer: nil)
        return outcome.runDirectory!
    }

    static func latest(_ run: String) throws -> (parameters: ParameterBuffer<Float>, checkpoint: CheckpointFile) {
        let checkpoint = try CheckpointFile.read(path: run + "/checkpoints/latest")
        let layout = MLPArchitecture(sizes: [64, 32, 10], activation: .relu).layout
        return (try checkpoint.parameters(layout: layout, as: Float.self), checkpoint)
    }

    @Test(arguments: [
        ["optimizer.name=sgd", "optimizer.momentum=0.9", "optimizer.weight_decay=0.001"],
        ["optimizer.name=adam", "optimizer.lr=0.003", "optimizer.weight_decay=0.001"],
    ])
    func prunedWeightsStayExactlyZero(_ optimizer: [String]) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-prune")
        let run = try Self.train(optimizer, directory: directory, name: "pruned")
        let (parameters, checkpoint) = try Self.latest(run)
        let (_, state) = try checkpoint.optimizerState(layout: parameters.layout, as: Float.self)
        let mask = try #require(state.buffers["mask"])
        for l in 0..<2 {
            let view = parameters.layout.views(ofLayer: l).weight
            let keep = Int((Double(view.count) * 0.25).rounded(.toNearestOrEven))
            #expect(view.range.filter { mask[$0] == 1 }.count == keep, "layer \(l)")
            // Every masked weight is exactly zero after the last step, and every kept one is not.
            #expect(view.range.allSatisfy { (mask[$0] == 0) == (parameters.values[$0] == 0) }, "layer \(l)")
        }
        #expect(MagnitudePruning.sparsity(parameters).allSatisfy { abs($0 - 0.75) < 0.001 })
        // The optimizer kept state for pruned weights (momentum or moments from before they were pruned),
        // which the mask overrides: the zeros are the mask's doing, not a quiet optimizer.
        let stateName = optimizer[0].hasSuffix("sgd") ? "momentum" : "exp_avg"
        let moments = try #require(state.buffers[stateName])
        #expect(moments.indices.contains { mask[$0] == 0 && moments[$0] != 0 })
    }

    @Test func resumedPruningRunEqualsUninterrupted() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-prune-resume")
        let straight = try Self.train(["train.max_steps=60"], directory: directory, name: "straight")
        let stopped = try Self.train(["train.max_steps=27"], directory: directory, name: "stopped")
        let resumed = try Self.train(["train.max_steps=60"], directory: directory, name: "stopped", resume: stopped)
        #expect(resumed == stopped)
        let a = try Self.latest(straight)
        let b = try Self.latest(resumed)
        #expect(a.checkpoint.step == 60 && b.checkpoint.step == 60)
        #expect(a.parameters.values == b.parameters.values, "the resumed pruning run differs")
        #expect(MagnitudePruning.sparsity(a.parameters).allSatisfy { $0 > 0.5 })
    }

    @Test func impossibleSparsityInTheConfigIsOneClearError() throws {
        do {
            _ = try ConfigLoader.load(path: nil, overrides: ["export.final_sparsity=1.2"])
            Issue.record("accepted export.final_sparsity=1.2")
        } catch {
            #expect("\(error)".contains("export.final_sparsity"), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
        let directory = BuiltProducts.temporaryDirectory("partita-prune-bad")
        do {
            _ = try Self.train(["export.prune_start=50", "export.prune_end=40"], directory: directory, name: "bad")
            Issue.record("accepted prune_end before prune_start")
        } catch {
            #expect("\(error)".contains("export.prune_end"), "\(error)")
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).isEmpty)
    }
}
