import Cluster
import Configuration
import Diagnostics
import Foundation
import Logging
import Methods
import Networks
import Tensors
import TestSupport
import Testing

@testable import Training

/// The Gaussianity diagnostics of training, in one process: the records against statistics recomputed
/// independently from a forward pass over the same rows, and the config rules of the Weibull-paired family.
/// (Several ranks against one: `EndToEndTests.GaussianityDistributedTests`.)
@Suite(.serialized) struct GaussianityDiagnosticsTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func records(_ run: String) throws -> [[String: Any]] {
        try String(contentsOfFile: run + "/gaussianity.jsonl", encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// With a probe batch larger than the training split and a subsample larger than every layer, the probe is
    /// every training row and the tests see every value, so the step-0 records must equal the statistics of the
    /// initial network's pre-activations over all training rows, whatever the probe's order and bookkeeping.
    /// In Double: moments to 1e-12 relative (summation order), the tests to 1e-9.
    @Test func stepZeroRecordsMatchARecomputation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("partita-gauss-\(UUID())").path
        let config = try ConfigLoader.load(
            path: nil,
            overrides: [
                "run.dir=\(directory)", "run.name=probe", "model.hidden=[6]", "model.dtype=float64",
                "data.train_size=300", "data.name=teacher-student", "data.input_dim=4", "data.validation=0",
                "train.max_steps=10", "data.batch_size=30", "diagnostics.gaussianity_every=5",
                "diagnostics.probe_size=100000", "diagnostics.subsample=100000",
            ])
        let outcome = try TrainingSession.run(
            config: config, commandLine: [], communicator: SingleProcessCommunicator(), logger: Self.logger,
            observer: nil)
        let run = try #require(outcome.runDirectory)
        let records = try Self.records(run)
        #expect(records.map { $0["step"] as? Int } == [0, 0, 5, 5, 10, 10])
        #expect(records.map { $0["layer"] as? Int } == [0, 1, 0, 1, 0, 1])

        let data = try DataPipeline.prepare(config)
        let model = MLP<Double>(
            try ModelFactory.architecture(config.typed(), data: data),
            initialization: try config.typed().model.initializer, seed: 0)
        let (inputs, _) = data.batch(data.source, rows: data.trainRows, as: Double.self)
        let pass = model.forward(inputs)
        for layer in 0..<2 {
            let expected = GaussianityStatistics(sample: pass.preactivations[layer].storage)
            let record = records[layer]
            #expect(record["n"] as? Int == data.trainRows.count * [6, 1][layer])
            #expect(record["tested"] as? Int == expected.testedCount)
            func close(_ key: String, _ value: Double?, _ tolerance: Double, floor: Double = 1e-12) {
                guard let value else { return }
                let recorded = (record[key] as? NSNumber)?.doubleValue ?? .nan
                #expect(Tolerance.relativeError(recorded, value, floor: floor) < tolerance, "layer \(layer) \(key)")
            }
            // The mean of layer 0 is 0 up to rounding (standardized inputs, zero bias): relative to the deviation.
            close("mean", expected.moments.mean, 1e-12, floor: expected.moments.variance.squareRoot())
            close("variance", expected.moments.variance, 1e-12)
            close("skewness", expected.moments.skewness, 1e-10)
            close("excess_kurtosis", expected.moments.excessKurtosis, 1e-10)
            for (key, value) in expected.fields
            where !["n", "mean", "variance", "skewness", "excess_kurtosis"].contains(key) {
                close(key, value, 1e-9)
            }
        }
        // The probe file holds the last probe's samples: every value of both layers.
        let probe = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: run + "/gaussianity-probe.json")))
                as? [String: Any])
        #expect(probe["step"] as? Int == 10)
        let layers = try #require(probe["layers"] as? [[String: Any]])
        #expect(layers.map { ($0["samples"] as? [Double])?.count } == [data.trainRows.count * 6, data.trainRows.count])
    }

    /// Floyd's choice: `count` distinct sorted indices in range; all indices when asked for more; and
    /// uniform enough that each half of the range gets about half (1000 of 10 000: the count in the lower half
    /// is hypergeometric with sd ≈ 15, so ±100 is a 6-sigma bound).
    @Test func subsampleChoice() {
        var stream = RandomStream(seed: 3, key: .testing)
        let chosen = GaussianityProbe.choose(1000, from: 10_000, stream: &stream)
        #expect(chosen.count == 1000 && Set(chosen).count == 1000 && chosen == chosen.sorted())
        #expect(chosen.allSatisfy { (0..<10_000).contains($0) })
        #expect(abs(chosen.filter { $0 < 5000 }.count - 500) < 100)
        #expect(GaussianityProbe.choose(50, from: 20, stream: &stream) == Array(0..<20))
    }

    /// θ outside the tables is one clear error listing the valid θ; `partita config` and `train` share it.
    @Test func weibullThetaOutsideTheTablesIsRejected() {
        do {
            _ = try ConfigLoader.load(
                path: nil, overrides: ["model.activation=weibull-odd", "model.weibull_theta=3.5"])
            Issue.record("θ = 3.5 should be rejected")
        } catch {
            #expect(
                error.description
                    == "model.weibull_theta: weibull-odd has no fitted activation for θ = 3.5; valid θ: 2.05, 2.1, "
                    + "2.2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10")
        }
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(path: nil, overrides: ["model.activation=weibull-positive", "model.weibull_theta=6"])
        }
        // θ = 6 is fine for the odd family and for Weibull weights alone.
        #expect(throws: Never.self) {
            try ConfigLoader.load(path: nil, overrides: ["model.activation=weibull-odd", "model.weibull_theta=6"])
        }
        #expect(throws: Never.self) { try ConfigLoader.load(path: nil, overrides: ["model.weibull_theta=3.5"]) }
    }

    @Test func weibullPairedConfigBuildsThePair() throws {
        let config = try ConfigLoader.load(
            path: nil,
            overrides: [
                "model.activation=weibull-positive", "model.weibull_theta=2.05", "model.init=weibull-paired",
                "model.bias=false",
            ])
        #expect(try config.typed().model.activation() == .weibull(WeibullPair(.positive, theta: 2.05)!))
        #expect(try config.typed().model.initializer == .weibullPaired(theta: 2.05))
    }
}
