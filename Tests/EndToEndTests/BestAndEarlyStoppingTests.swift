import Checkpoints
import Foundation
import TestSupport
import Testing

/// `train.keep_best` and `train.early_stopping` on real runs of the built binary.
@Suite(.serialized) struct BestAndEarlyStoppingTests {
    static func validation(_ run: String) throws -> [(step: Int, loss: Double, accuracy: Double)] {
        try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            let record = try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            guard record["split"] as? String == "validation" else { return nil }
            return (
                try #require(record["step"] as? Int), try #require(record["loss"] as? Double),
                try #require(record["accuracy"] as? Double)
            )
        }
    }

    /// At lr 1 the validation accuracy peaks early and falls; with one checkpoint kept, the peak's
    /// `step-*.safetensors` is gone but `checkpoints/best` holds it: its step is the first maximum of the logged
    /// accuracy, and `partita eval` on it reproduces the logged loss and accuracy (1e-12).
    @Test func bestCheckpointHoldsThePeakAfterRetentionDeletedIt() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-best")
        let settings = [
            "run.dir=\(directory)", "run.name=best", "optimizer.lr=1.0", "train.max_steps=20", "train.eval_every=2",
            "train.checkpoint_every=2", "train.keep_checkpoints=1", "train.keep_best=validation.accuracy:max",
            "model.dtype=float64",
        ]
        let train = try BuiltProducts.run(
            BuiltProducts.partita, ["train", "--plain"] + settings.flatMap { ["--set", $0] })
        #expect(train.status == 0, "\(train.stderr)")
        let run = directory + "/best"
        let evaluations = try Self.validation(run)
        let peak = try #require(
            evaluations.max { $0.accuracy < $1.accuracy || ($0.accuracy == $1.accuracy && $0.step > $1.step) })
        #expect(peak.step < 20, "the accuracy should peak before the end at lr 1: \(evaluations)")
        #expect(
            !FileManager.default.fileExists(
                atPath: run + "/checkpoints/" + String(format: "step-%06d.safetensors", peak.step)))
        let best = try CheckpointFile.read(path: run + "/checkpoints/best")
        #expect(best.step == peak.step)
        let eval = try BuiltProducts.run(
            BuiltProducts.partita, ["eval", run + "/checkpoints/best", "--split", "validation", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        #expect(abs(try #require(result["accuracy"] as? Double) - peak.accuracy) <= 1e-12)
        #expect(abs(try #require(result["loss"] as? Double) - peak.loss) <= 1e-12 * max(1, peak.loss))
    }

    /// Early stopping ends the run `patience` evaluations after the last improvement of the validation loss
    /// (found here from metrics.jsonl), with a final checkpoint at that step and the reason in run.json.
    @Test func earlyStoppingEndsPatienceEvaluationsAfterTheLastImprovement() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-early")
        let settings = [
            "run.dir=\(directory)", "run.name=early", "optimizer.lr=1.0", "train.max_steps=100", "train.eval_every=2",
            "train.early_stopping.metric=validation.loss:min", "train.early_stopping.patience=3",
        ]
        let train = try BuiltProducts.run(
            BuiltProducts.partita, ["train", "--plain"] + settings.flatMap { ["--set", $0] })
        #expect(train.status == 0, "\(train.stderr)")
        let run = directory + "/early"
        let evaluations = try Self.validation(run)
        var best = Double.infinity
        var lastImprovement = -1
        for (index, evaluation) in evaluations.enumerated() where evaluation.loss < best {
            best = evaluation.loss
            lastImprovement = index
        }
        #expect(evaluations.count == lastImprovement + 1 + 3, "\(evaluations.map(\.loss))")
        let info = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json")))
                as? [String: Any])
        #expect(info["status"] as? String == "completed")
        #expect((info["stop_reason"] as? String)?.hasPrefix("early stopping: validation.loss:min") == true)
        #expect(try CheckpointFile.read(path: run + "/checkpoints/latest").step == evaluations.last?.step)
    }

    /// Under mpirun every rank sees the same all-reduced validation loss, so 2 ranks stop together (no hang) at
    /// the step where one rank with the same global batch stops.
    @Test func twoRanksStopWhereOneRankStops() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-early")
        var stops = [Int]()
        for ranks in [1, 2] {
            let settings = [
                "run.dir=\(directory)", "run.name=ranks-\(ranks)", "optimizer.lr=1.0", "train.max_steps=100",
                "train.eval_every=2", "train.early_stopping.metric=validation.loss", "train.early_stopping.patience=2",
                "model.dtype=float64",
            ]
            let output = try MPIRun.partita(ranks: ranks, ["train", "--plain"] + settings.flatMap { ["--set", $0] })
            #expect(output.status == 0, "\(ranks) ranks: \(output.stderr)")
            stops.append(try #require(try Self.validation(directory + "/ranks-\(ranks)").last?.step))
        }
        #expect(stops[0] == stops[1] && stops[0] < 100, "\(stops)")
    }

    /// `early_stopping.patience: 0` and a `keep_best` metric that is never logged: one error line, exit 1, no
    /// run directory.
    @Test(arguments: [
        (["train.early_stopping.patience=0"], "train.early_stopping.patience"),
        (["train.keep_best=validation.f1:max"], "is never logged"),
    ])
    func badSettingsAreOneErrorBeforeTraining(_ settings: [String], _ expected: String) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-early")
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            ["train", "--plain", "--set", "run.dir=\(directory)/runs"] + settings.flatMap { ["--set", $0] })
        #expect(output.status == 1)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("partita: error:") && lines[0].contains(expected), "\(lines)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/runs"))
    }
}
