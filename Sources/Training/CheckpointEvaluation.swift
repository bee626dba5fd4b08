import Checkpoints
public import Cluster
import Configuration
import Datasets
import Methods
import Networks
import Tensors

/// `partita eval`: a checkpoint's model on the splits of its own data (or of data given by overrides).
public enum CheckpointEvaluation {
    /// The splits a checkpoint can be evaluated on.
    public enum Split: String, CaseIterable, Sendable {
        case train, validation, test
    }

    /// Evaluates `checkpoint` on `splits` (those that exist). `dataOverrides` are `data.key=value` settings
    /// applied on top of the checkpoint's config, e.g. to point at other files.
    public static func run(
        checkpointPath: String, splits: [Split], dataOverrides: [String], weightSamples: Int? = nil,
        communicator: any Communicator
    ) throws -> [EvaluationResult] {
        let checkpoint = try CheckpointFile.read(path: checkpointPath)
        var config = checkpoint.config
        for override in dataOverrides where !override.hasPrefix("data.") {
            throw ConfigError(location: "--set \(override)", message: "eval only accepts data.* overrides")
        }
        try ConfigLoader.apply(overrides: dataOverrides, to: &config)
        if let weightSamples {
            try ConfigLoader.apply(overrides: ["optimizer.vi_eval_samples=\(weightSamples)"], to: &config)
        }
        let data = try DataPipeline.prepare(config)
        return checkpoint.dtype == Double.dtypeName
            ? try evaluate(Double.self, checkpoint, config, data, splits, communicator)
            : try evaluate(Float.self, checkpoint, config, data, splits, communicator)
    }

    static func evaluate<Scalar: TrainingScalar>(
        _ type: Scalar.Type, _ checkpoint: CheckpointFile, _ config: ResolvedConfig, _ data: PreparedData,
        _ splits: [Split], _ communicator: any Communicator
    ) throws -> [EvaluationResult] {
        let method = try MethodFactory.method(config, data: data, as: Scalar.self)
        method.parameters = try checkpoint.parameters(layout: method.parameters.layout, as: Scalar.self)
        let (_, state) = try checkpoint.optimizerState(layout: method.parameters.layout, as: Scalar.self)
        try method.restore(state)  // e.g. Alrao's switch posterior, which weighs its output copies
        let loss = try ModelFactory.loss(try config.typed(), task: data.task)
        var results = [EvaluationResult]()
        for split in splits {
            let (dataset, rows): (Dataset, [Int])
            switch split {
            case .train: (dataset, rows) = (data.source, data.trainRows)
            case .validation: (dataset, rows) = (data.source, data.validationRows)
            case .test:
                guard let test = data.test else { continue }
                (dataset, rows) = (test, Array(0..<test.count))
            }
            guard !rows.isEmpty else { continue }
            // Classifiers: the calibration from the same forward passes as the loss.
            var calibration: Calibration? = loss.isClassification ? Calibration() : nil
            let summary = try Evaluation.evaluate(
                method: method, data: data, dataset: dataset, rows: rows, communicator: communicator,
                calibration: &calibration)
            var result = EvaluationResult(
                step: checkpoint.step, split: split.rawValue, loss: summary.meanLoss,
                accuracy: loss.isClassification ? summary.accuracy : nil, count: summary.count)
            if let calibration {
                result.calibrationError = calibration.expectedCalibrationError
                result.meanConfidence = calibration.meanConfidence
            }
            results.append(result)
        }
        return results
    }
}
