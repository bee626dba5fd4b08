import Checkpoints
import Cluster
import Configuration
import Foundation
import Logging
import Methods
import Networks
import Optimizers
import Tensors
import TestSupport
import Testing
import Training

/// Alrao against plain training where they must coincide, and its mixture against a direct computation.
@Suite(.serialized) struct AlraoTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func run(_ overrides: [String], name: String, directory: String) throws -> [Double] {
        let config = try ConfigLoader.load(
            path: nil,
            overrides: [
                "run.dir=\(directory)", "run.name=\(name)", "data.name=sin-regression", "data.train_size=1000",
                "data.test_size=0", "data.validation=0", "data.normalize=none", "data.batch_size=32",
                "model.hidden=[100]", "model.dtype=float64", "model.loss=gaussian-nll", "train.epochs=7",
                "train.max_steps=200", "train.checkpoint_every=0",
            ] + overrides)
        let outcome = try TrainingSession.run(
            config: config, commandLine: [], communicator: SingleProcessCommunicator(), logger: logger, observer: nil)
        let checkpoint = try CheckpointFile.read(path: outcome.runDirectory! + "/checkpoints/latest")
        return try checkpoint.contents.names.filter { $0.hasPrefix("model.") }
            .flatMap { try checkpoint.contents.values($0, as: Double.self) }
    }

    /// methods.md §2.3's sanity check: Alrao with η_min = η_max = η and K = 1 is plain SGD at η (the mixture
    /// of one copy is that copy; the body's rates are all η). 200 steps on the sin-polynomial regression with
    /// the Gaussian NLL (σ² = 1), Double: the parameters agree within 1e-12 relative, and so do the changes
    /// from the (shared) initial parameters, which a mere agreement of the initializations could not fake.
    @Test func oneCopyWithOneRateIsPlainSGD() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-alrao")
        let rate = "0.01"
        let sgd = try Self.run(
            ["optimizer.name=sgd", "optimizer.momentum=0", "optimizer.lr=\(rate)"], name: "sgd", directory: directory)
        let alrao = try Self.run(
            [
                "optimizer.name=alrao", "optimizer.alrao_copies=1", "optimizer.alrao_min_lr=\(rate)",
                "optimizer.alrao_max_lr=\(rate)",
            ], name: "alrao", directory: directory)
        let initial = try Self.run(
            [
                "optimizer.name=sgd", "optimizer.momentum=0", "optimizer.lr=\(rate)", "train.max_steps=1",
                "optimizer.lr=1e-300",
            ], name: "initial", directory: directory)
        #expect(sgd.count == alrao.count)
        #expect(Tolerance.relativeError(alrao, sgd) < 1e-12)
        let sgdChange = zip(sgd, initial).map { $0 - $1 }
        let alraoChange = zip(alrao, initial).map { $0 - $1 }
        #expect(sgdChange.map(abs).max()! > 1e-3, "training moved the parameters")
        #expect(Tolerance.relativeError(alraoChange, sgdChange) < 1e-12)
    }

    /// The mixture's loss is −log Σ_k a_k·p_k(y), checked by a direct computation from the copies' logits.
    @Test func mixtureMatchesDirectComputation() throws {
        let method = try AlraoMethod<Double>(
            sizes: [4, 6, 3], activation: .tanh, bias: true, initialization: .gaussian(sigmaW: 1.5, sigmaB: 0.2),
            seed: 3, copies: 4, minRate: 1e-3, maxRate: 1, kind: .sgd, momentum: 0, dampening: 0, weightDecay: 0,
            beta1: 0.9, beta2: 0.999, epsilon: 1e-8, classification: true, variance: 1)
        var stream = RandomStream(seed: 5, key: .testing)
        let x = Matrix<Double>(rows: 5, columns: 4, storage: stream.draw(20) { $0.normal() })
        let labels: [Int32] = [0, 2, 1, 1, 0]
        // Move the posterior away from uniform first.
        let context = StepContext(
            communicator: SingleProcessCommunicator(), step: 0, learningRate: 0, globalBatch: 5,
            checkLocalLoss: { _ in })
        _ = try method.step(inputs: x, targets: .classes(labels), context: context)
        let summary = method.evaluate(inputs: x, targets: .classes(labels))

        let theta = method.parameters
        let posterior = method.switcher.posterior
        var expected = 0.0
        for n in 0..<5 {
            // z = tanh(W0 x + b0), then each copy's softmax at the label.
            let w0 = theta["layers.0.weight"]
            let b0 = theta["layers.0.bias"]
            var z = [Double](repeating: 0, count: 6)
            for o in 0..<6 {
                var sum = b0[o]
                for i in 0..<4 { sum += w0[o * 4 + i] * x[n, i] }
                z[o] = tanh(sum)
            }
            var mixture = 0.0
            for k in 0..<4 {
                let w = theta["copies.\(k).weight"]
                let b = theta["copies.\(k).bias"]
                var f = [Double](repeating: 0, count: 3)
                for o in 0..<3 {
                    var sum = b[o]
                    for i in 0..<6 { sum += w[o * 6 + i] * z[i] }
                    f[o] = sum
                }
                let normalizer = f.reduce(0.0) { $0 + exp($1) }
                mixture += posterior[k] * exp(f[Int(labels[n])]) / normalizer
            }
            expected -= log(mixture)
        }
        #expect(abs(summary.lossSum - expected) < 1e-12 * abs(expected))
    }

    /// For inference and export an Alrao checkpoint is the body plus its most probable copy.
    @Test func plainModelIsTheBodyWithTheMostProbableCopy() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-alrao-plain")
        let config = try ConfigLoader.load(
            path: nil,
            overrides: [
                "run.dir=\(directory)", "model.hidden=[16]", "train.max_steps=30", "optimizer.name=alrao",
                "optimizer.alrao_copies=4",
            ])
        let outcome = try TrainingSession.run(
            config: config, commandLine: [], communicator: SingleProcessCommunicator(), logger: Self.logger,
            observer: nil)
        let checkpoint = try CheckpointFile.read(path: outcome.runDirectory! + "/checkpoints/latest")
        let data = try DataPipeline.prepare(checkpoint.config)
        let plain: MLP<Float> = try checkpoint.plainModel(data: data)
        let logWeights = try checkpoint.contents.values("optimizer.vector.switch_log_weights", as: Double.self)
        let posterior = (0..<4).map { exp(logWeights[$0]) + exp(logWeights[4 + $0]) }
        let best = posterior.indices.max { posterior[$0] < posterior[$1] }!
        #expect(
            plain.parameters["layers.0.weight"]
                == (try checkpoint.contents.values("model.layers.0.weight", as: Float.self)))
        #expect(
            plain.parameters["layers.1.weight"]
                == (try checkpoint.contents.values("model.copies.\(best).weight", as: Float.self)))
        #expect(
            plain.parameters["layers.1.bias"]
                == (try checkpoint.contents.values("model.copies.\(best).bias", as: Float.self)))
    }
}
