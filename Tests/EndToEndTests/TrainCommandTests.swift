import Foundation
import TestSupport
import Testing

/// The built `partita` binary, run as a user would.
@Suite(.serialized) struct TrainCommandTests {
    /// The README's main job: `partita train` with no config trains the built-in default (an MLP on the
    /// bundled digits) and must reach at least 95% validation accuracy.
    @Test func defaultTrainingReaches95PercentOnDigits() throws {
        let directory = BuiltProducts.temporaryDirectory()
        let output = try BuiltProducts.run(BuiltProducts.partita, ["train", "--set", "run.dir=\(directory)/runs"])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let metrics = try String(contentsOfFile: "\(directory)/runs/digits-mlp/metrics.jsonl", encoding: .utf8)
        let validation = metrics.split(separator: "\n").compactMap { line -> [String: Any]? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["split"] as? String == "validation" ? object : nil
        }
        let final = try #require(validation.last)
        #expect(final["step"] as? Int == 440)
        let accuracy = try #require(final["accuracy"] as? Double)
        #expect(accuracy >= 0.95, "validation accuracy \(accuracy)")
        #expect(output.stdout.contains("validation loss"))
        #expect(output.stdout.contains("run directory: \(directory)/runs/digits-mlp"))
        for file in ["config.yaml", "run.json", "ranks/rank-0000.jsonl", "checkpoints/latest"] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/runs/digits-mlp/\(file)"), "\(file)")
        }
    }

    /// `partita eval` on that checkpoint reproduces the validation numbers the run logged.
    @Test func evalReproducesTheRunsValidation() throws {
        let directory = BuiltProducts.temporaryDirectory()
        let train = try BuiltProducts.run(
            BuiltProducts.partita,
            ["train", "--set", "run.dir=\(directory)", "--set", "train.epochs=3", "--set", "model.dtype=float64"])
        #expect(train.status == 0, "stderr: \(train.stderr)")
        let eval = try BuiltProducts.run(
            BuiltProducts.partita,
            ["eval", "\(directory)/digits-mlp/checkpoints/latest", "--split", "validation", "--json"])
        #expect(eval.status == 0, "stderr: \(eval.stderr)")
        let result = try #require(
            try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        let logged = try String(contentsOfFile: "\(directory)/digits-mlp/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n").last { $0.contains("\"split\":\"validation\"") }
        let line = try #require(logged)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(result["loss"] as? Double == record["loss"] as? Double)
        #expect(result["accuracy"] as? Double == record["accuracy"] as? Double)
    }

    /// A variational run: `partita eval --samples K` rebuilds the posterior from the checkpoint and averages the
    /// same K weight samples as the trainer's evaluation, so it reproduces the logged validation loss (1e-12
    /// relative, Double); with another K the predictive distribution, hence the loss, changes.
    @Test func evalAveragesTheVariationalPredictive() throws {
        let directory = BuiltProducts.temporaryDirectory()
        let train = try BuiltProducts.run(
            BuiltProducts.partita,
            [
                "train", "--set", "run.dir=\(directory)", "--set", "train.epochs=3", "--set", "model.dtype=float64",
                "--set", "optimizer.name=vi", "--set", "optimizer.lr=0.003", "--set", "optimizer.vi_eval_samples=3",
            ])
        #expect(train.status == 0, "stderr: \(train.stderr)")
        func evaluate(samples: Int) throws -> [String: Any] {
            let eval = try BuiltProducts.run(
                BuiltProducts.partita,
                [
                    "eval", "\(directory)/digits-mlp/checkpoints/latest", "--split", "validation", "--json",
                    "--samples", "\(samples)",
                ])
            #expect(eval.status == 0, "stderr: \(eval.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        }
        let logged = try String(contentsOfFile: "\(directory)/digits-mlp/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n").last { $0.contains("\"split\":\"validation\"") }
        let line = try #require(logged)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let three = try evaluate(samples: 3)
        let loss = try #require(three["loss"] as? Double)
        let loggedLoss = try #require(record["loss"] as? Double)
        #expect(abs(loss - loggedLoss) <= 1e-12 * loggedLoss)
        #expect(three["accuracy"] as? Double == record["accuracy"] as? Double)
        let calibration = try #require(three["calibration_error"] as? Double)
        #expect(calibration >= 0 && calibration <= 1)
        let one = try #require(try evaluate(samples: 1)["loss"] as? Double)
        #expect(one != loss)
    }
}
