import ArgumentParser
import Cluster
import Training

/// `partita eval CHECKPOINT [--split ...] [--set data.key=value] [--json]`.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint's model: loss and accuracy on its data splits.",
        discussion: """
            The checkpoint carries its config, so the same data, split and normalization are rebuilt. \
            Use --set data.key=value to evaluate on other data of the same shape.
            """)

    @Argument(help: "A checkpoint file (.safetensors), e.g. runs/digits-mlp/checkpoints/latest.")
    var checkpoint: String

    @Option(
        help: ArgumentHelp(
            "Which split(s): train, validation, test or all (repeatable; default: validation and test).",
            valueName: "split"))
    var split: [SplitArgument] = []

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a data.* key of the checkpoint's config (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(
        help: "For a variational model: weight samples the predictive distribution averages (default: its config's).")
    var samples: Int?

    @Flag(help: "Print one JSON object per split instead of text.")
    var json = false

    @OptionGroup var shared: SharedOptions

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1") }
    }

    func run() throws {
        try Runtime.run(logLevel: shared.logLevel.level) { context in
            var splits = split.flatMap(\.splits)
            if splits.isEmpty { splits = [.validation, .test] }
            let results = try CheckpointEvaluation.run(
                checkpointPath: checkpoint, splits: splits, dataOverrides: overrides, weightSamples: samples,
                communicator: context.communicator)
            guard context.communicator.isCoordinator else { return }
            for result in results {
                if json {
                    var line = JSONLine()
                    line.add("split", result.split)
                    line.add("step", result.step)
                    line.add("loss", result.loss)
                    if let accuracy = result.accuracy { line.add("accuracy", accuracy) }
                    if let error = result.calibrationError { line.add("calibration_error", error) }
                    if let confidence = result.meanConfidence { line.add("mean_confidence", confidence) }
                    line.add("count", result.count)
                    Console.output(line.description)
                } else {
                    var calibration = ""
                    if let error = result.calibrationError, let confidence = result.meanConfidence {
                        calibration = String(
                            format: ", calibration error %.4f (mean confidence %.2f%%)", error, 100 * confidence)
                    }
                    Console.output(Train.describe(result) + calibration)
                }
            }
        }
    }
}

/// A split name on the command line.
enum SplitArgument: String, ExpressibleByArgument, CaseIterable {
    case train, validation, test, all

    var splits: [CheckpointEvaluation.Split] {
        switch self {
        case .train: [.train]
        case .validation: [.validation]
        case .test: [.test]
        case .all: CheckpointEvaluation.Split.allCases
        }
    }
}
