import Configuration
import Foundation
import Testing
@testable import Training

/// The best-checkpoint and early-stopping state machine, fed evaluation sequences whose answers follow from
/// the definitions (best = strictly better than every earlier value; stop = `patience` evaluations in a row
/// without an improvement larger than `min_delta`).
@Suite struct RunMonitorTests {
    static func monitor(_ overrides: [String], classification: Bool = true) throws -> RunMonitor {
        let config = try ConfigLoader.load(path: nil, overrides: overrides)
        return try RunMonitor(try config.typed().train, isClassification: classification, hasValidation: true)
    }

    static func result(_ step: Int, loss: Double, accuracy: Double) -> EvaluationResult {
        EvaluationResult(step: step, split: "validation", loss: loss, accuracy: accuracy, count: 100)
    }

    @Test func bestFollowsTheStrictMaximum() throws {
        var monitor = try Self.monitor(["train.keep_best=validation.accuracy:max"])
        let accuracies = [0.5, 0.7, 0.7, 0.6, 0.8, 0.1]
        let saved = accuracies.enumerated().map { step, accuracy in
            monitor.observe(Self.result(step, loss: 1, accuracy: accuracy)).saveBest
        }
        #expect(saved == [true, true, false, false, true, false])
    }

    /// With patience 2 and min_delta 0.05 on the loss: 1.0 (best), 0.97 (not by 0.05: 1), 0.9 (best), 0.88 (1),
    /// 0.89 (2: stop).
    @Test func earlyStoppingCountsEvaluationsWithoutImprovement() throws {
        var monitor = try Self.monitor([
            "train.early_stopping.metric=validation.loss", "train.early_stopping.patience=2",
            "train.early_stopping.min_delta=0.05",
        ])
        let stops = [1.0, 0.97, 0.9, 0.88, 0.89].enumerated().map { step, loss in
            monitor.observe(Self.result(step, loss: loss, accuracy: 0)).stop != nil
        }
        #expect(stops == [false, false, false, false, true])
    }

    /// Metrics a run never logs, a bad direction, and patience 0 are one config error each.
    @Test(arguments: [
        ["train.keep_best=validation.f1"], ["train.keep_best=test.accuracy:max"], ["train.keep_best=accuracy"],
        ["train.early_stopping.metric=validation.loss:down"],
    ])
    func badMetricsAreRejected(_ overrides: [String]) throws {
        #expect(throws: ConfigError.self) { _ = try Self.monitor(overrides) }
    }

    @Test func accuracyOfARegressionAndZeroPatienceAreRejected() throws {
        #expect(throws: ConfigError.self) {
            _ = try Self.monitor(["train.keep_best=validation.accuracy"], classification: false)
        }
        #expect(throws: ConfigError.self) {
            _ = try ConfigLoader.load(path: nil, overrides: ["train.early_stopping.patience=0"])
        }
    }
}
