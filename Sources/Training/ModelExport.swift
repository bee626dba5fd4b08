import Checkpoints
import Cluster
import Configuration
import Datasets
public import Export
import Foundation
public import Logging
import Methods
import Networks
import Tensors

/// What an export produced, for the command's summary.
public struct ExportOutcome {
    public let report: ExportReport
    public let directory: String
}

/// `partita export`: load a checkpoint, prune (structured, then unstructured), fine-tune with the training
/// loop, calibrate, quantize to int8, check the int8 model's accuracy with the integer reference, and write
/// `model.h`, `model.c` and `export.json` into a directory that appears whole or not at all.
public enum ModelExport {
    public static func run(_ request: ExportRequest, logger: Logger, observer: (any TrainingObserver)?) throws
        -> ExportOutcome
    {
        try request.validate()
        let checkpoint = try CheckpointFile.read(path: request.checkpointPath)
        let config = checkpoint.config
        let data = try DataPipeline.prepare(config)
        let calibrationInputs = try calibrationInputs(request, data: data)
        return checkpoint.dtype == Double.dtypeName
            ? try export(Double.self, request, checkpoint, data, calibrationInputs, logger, observer)
            : try export(Float.self, request, checkpoint, data, calibrationInputs, logger, observer)
    }

    static func export<Scalar: TrainingScalar>(
        _ type: Scalar.Type, _ request: ExportRequest, _ checkpoint: CheckpointFile, _ data: PreparedData,
        _ calibrationInputs: Matrix<Float>, _ logger: Logger, _ observer: (any TrainingObserver)?
    ) throws -> ExportOutcome {
        let config = checkpoint.config
        var model: MLP<Scalar> = try checkpoint.plainModel(data: data)
        try ExportChecks.requireFinite(model.parameters, source: request.checkpointPath, tensorPrefix: "model.")
        let architecture = model.architecture
        let typed = try config.typed()
        let loss = try ModelFactory.loss(typed, task: data.task)
        let (evaluationSet, evaluationRows, splitName) = evaluationSplit(data)
        let pruning = request.units != nil || request.sparsity != nil
        let before =
            pruning
            ? try Evaluation.evaluate(
                model: model, loss: loss, data: data, dataset: evaluationSet, rows: evaluationRows,
                communicator: SingleProcessCommunicator())
            : nil

        if let units = request.units {
            model = try StructuredPruning.removeUnits(model, fraction: units).model
            logger.notice(
                "structured pruning",
                metadata: ["sizes": "\(model.architecture.sizes.map(String.init).joined(separator: "-"))"])
        }
        if request.fineTuneEpochs > 0 {
            model = try fineTune(model, request, config, data, logger, observer)
        } else if let sparsity = request.sparsity {
            let layers = PruningOptimizer<Scalar>.prunedLayers(typed.export, layerCount: architecture.layerCount)
            let mask = MagnitudePruning.mask(
                model.parameters, sparsity: sparsity, scope: request.scope, layers: layers,
                previous: MagnitudePruning.nonZeroMask(model.parameters))
            MagnitudePruning.apply(mask, to: &model.parameters)
        }
        try ExportChecks.requireFinite(model.parameters, source: "\(request.checkpointPath) after fine-tuning")
        if let sparsity = request.sparsity {
            try ExportChecks.requireNonEmptyLayers(
                model, request: "--prune sparsity=\(sparsity) --prune-scope \(request.scope.rawValue)")
        }
        let floatModel = MLP<Float>(converting: model)
        let floatSummary = try Evaluation.evaluate(
            model: floatModel, loss: loss, data: data, dataset: evaluationSet, rows: evaluationRows,
            communicator: SingleProcessCommunicator())

        let ranges = CalibrationRanges.measure(
            model: floatModel, inputs: calibrationInputs, percentile: request.percentile)
        let quantized = try Quantizer.quantize(
            floatModel, ranges: ranges, granularity: request.granularity, rounding: request.rounding)
        let (int8Summary, agreement) = int8Evaluation(
            quantized, floatModel: floatModel, loss: loss, data: data, dataset: evaluationSet, rows: evaluationRows)

        let emitter = try CEmitter(
            model: quantized, prefix: request.prefix, kernel: request.kernel,
            summary: "From a checkpoint at step \(checkpoint.step), \(checkpoint.dtype); see export.json.")
        let accuracy = ExportReport.Accuracy(
            split: splitName, count: floatSummary.count,
            float: loss.isClassification ? floatSummary.accuracy : nil,
            int8: loss.isClassification ? int8Summary.accuracy : nil,
            floatBeforePruning: loss.isClassification ? before?.accuracy : nil, lossFloat: floatSummary.meanLoss,
            lossInt8: int8Summary.meanLoss, agreement: loss.isClassification ? agreement : nil)
        let settings = settings(request, checkpoint: checkpoint, calibrationCount: calibrationInputs.rows)
        let vectors = testVectors(quantized, data: data, count: request.testVectorCount)
        let bundle = ExportBundle(
            emitter: emitter, formats: request.formats, normalization: inputNormalization(data.normalization),
            testVectors: vectors, description: "partita export: " + emitter.summary)
        let directory = try AtomicFile.writeDirectory(request.outputDirectory) { temporary in
            try bundle.write(into: temporary)
            let measured =
                request.formats.contains(.c)
                ? try ObjectSizes.measureCortexM4(directory: temporary, prefix: request.prefix) : nil
            if measured == nil && request.formats.contains(.c) {
                logger.warning("arm-none-eabi-gcc is not installed: export.json has no code size (flash_bytes.code)")
            }
            var allSettings = settings
            allSettings["code_size_compiler"] = measured == nil ? "none" : ObjectSizes.cortexM4CompilerVersion ?? "?"
            allSettings["code_size_flags"] = ObjectSizes.cortexM4Flags.joined(separator: " ")
            let report = ExportReport(
                model: quantized, originalSizes: architecture.sizes, footprint: MemoryFootprint(quantized),
                code: measured?.code, accuracy: accuracy, inputNormalization: normalization(data.normalization),
                settings: allSettings,
                testVectors: vectors.map { ExportReport.TestVectorsInfo(split: $0.split, count: $0.inputs.count) },
                files: bundle.paths)
            try report.json.write(toFile: temporary + "/export.json", atomically: false, encoding: .utf8)
            return report
        }
        return ExportOutcome(report: directory.result, directory: directory.path)
    }

    /// Fine-tunes `model` for `--fine-tune-epochs` with the checkpoint's config (its hidden sizes replaced by
    /// the pruned ones, pruning settings from the request, then `--set`), starting from the model's
    /// parameters; zeros already in them stay zero.
    static func fineTune<Scalar: TrainingScalar>(
        _ model: MLP<Scalar>, _ request: ExportRequest, _ checkpointConfig: ResolvedConfig, _ data: PreparedData,
        _ logger: Logger, _ observer: (any TrainingObserver)?
    ) throws -> MLP<Scalar> {
        var config = checkpointConfig
        let hidden = model.architecture.sizes.dropFirst().dropLast().map(String.init).joined(separator: ", ")
        var overrides = ["model.hidden=[\(hidden)]", "train.epochs=\(request.fineTuneEpochs)", "train.max_steps=0"]
        // Fine-tuning a plain network: a checkpoint of another method continues with SGD at its config's rate.
        if ![.sgd, .adam].contains(try config.typed().optimizer.name) { overrides.append("optimizer.name=sgd") }
        if let sparsity = request.sparsity {
            overrides += [
                "export.final_sparsity=\(sparsity)", "export.initial_sparsity=0", "export.prune_start=0",
                "export.prune_end=0", "export.prune_scope=\(request.scope.rawValue)",
            ]
        }
        try ConfigLoader.apply(overrides: overrides + request.overrides, to: &config)
        let trainer = try Trainer<Scalar>(
            config: config, data: data, communicator: SingleProcessCommunicator(), writer: nil, logger: logger,
            observer: observer)
        try trainer.start(from: model.parameters)
        _ = try trainer.train()
        guard let tuned = trainer.model else {
            preconditionFailure("fine-tuning with a plain optimizer gives a plain model")
        }
        return tuned
    }

    /// The split accuracy is reported on: test when the data has one, else validation, else train.
    static func evaluationSplit(_ data: PreparedData) -> (Dataset, [Int], String) {
        if let test = data.test, test.count > 0 { return (test, Array(0..<test.count), "test") }
        if !data.validationRows.isEmpty { return (data.source, data.validationRows, "validation") }
        return (data.source, data.trainRows, "train")
    }

    /// The int8 model's loss and accuracy (outputs dequantized), and how often its class agrees with the
    /// float model's.
    static func int8Evaluation(
        _ quantized: QuantizedMLP, floatModel: MLP<Float>, loss: Loss, data: PreparedData, dataset: Dataset,
        rows: [Int]
    ) -> (LossSummary, Double) {
        var summary = LossSummary()
        var agreeing = 0
        var start = 0
        while start < rows.count {
            let part = Array(rows[start..<min(start + 1024, rows.count)])
            let (inputs, targets) = data.batch(dataset, rows: part, as: Float.self)
            let quantizedInputs = (0..<part.count).map { quantized.quantizeInput(inputs.row($0)) }
            let outputs = quantized.invoke(batch: quantizedInputs)
            let dequantized = Matrix(
                rows: part.count, columns: quantized.outputCount,
                storage: outputs.flatMap { quantized.dequantizeOutput($0) })
            summary = summary + loss.evaluate(outputs: dequantized, targets: targets)
            let floatOutputs = floatModel.forward(inputs).output
            for r in 0..<part.count where argmax(dequantized.row(r)) == argmax(floatOutputs.row(r)) { agreeing += 1 }
            start += 1024
        }
        return (summary, Double(agreeing) / Double(max(rows.count, 1)))
    }

    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    /// The calibration samples, normalized as in training: `--calibration-samples` rows spread evenly over
    /// the chosen split (row `⌊i·n/k⌋` for i < k), or over a `.npy` file of raw features.
    static func calibrationInputs(_ request: ExportRequest, data: PreparedData) throws -> Matrix<Float> {
        let source = request.calibration
        let features: FeatureStorage
        var rows: [Int]
        switch source {
        case "train": (features, rows) = (data.source.features, data.trainRows)
        case "validation": (features, rows) = (data.source.features, data.validationRows)
        case "test":
            guard let test = data.test else {
                throw ExportError.invalidRequest(
                    what: "--calibrate test", problem: "the checkpoint's data (\(data.source.name)) has no test split")
            }
            (features, rows) = (test.features, Array(0..<test.count))
        default:
            guard source.hasSuffix(".npy") || source.hasSuffix(".npy.gz") else {
                throw ExportError.invalidRequest(
                    what: "--calibrate \(source)",
                    problem: "expected train, validation, test or a .npy file of features")
            }
            do {
                features = try NpyFile.read(path: source)
            } catch {
                throw ExportError.invalidRequest(what: "--calibrate", problem: "\(error)")
            }
            guard features.columns == data.inputCount else {
                throw ExportError.invalidRequest(
                    what: "--calibrate \(source)",
                    problem: "has \(features.columns) features per row, the model takes \(data.inputCount)")
            }
            rows = Array(0..<features.rows)
        }
        guard !rows.isEmpty else {
            throw ExportError.invalidRequest(what: "--calibrate \(source)", problem: "has no samples to calibrate on")
        }
        if rows.count > request.calibrationSamples {
            let count = rows.count
            rows = (0..<request.calibrationSamples).map { rows[$0 * count / request.calibrationSamples] }
        }
        var inputs = Matrix<Float>(rows: rows.count, columns: features.columns)
        features.gather(rows: rows, normalization: data.normalization, into: &inputs)
        return inputs
    }

    /// The first `count` rows of the validation split (else test, else train), quantized as the model
    /// expects, with the integer reference's outputs; nil for `--test-vectors 0`.
    static func testVectors(_ quantized: QuantizedMLP, data: PreparedData, count: Int) -> TestVectors? {
        guard count > 0 else { return nil }
        let (dataset, rows, split): (Dataset, [Int], String) =
            if !data.validationRows.isEmpty {
                (data.source, data.validationRows, "validation")
            } else if let test = data.test, test.count > 0 { (test, Array(0..<test.count), "test") } else {
                (data.source, data.trainRows, "train")
            }
        let chosen = Array(rows.prefix(count))
        guard !chosen.isEmpty else { return nil }
        let (inputs, _) = data.batch(dataset, rows: chosen, as: Float.self)
        let quantizedInputs = (0..<chosen.count).map { quantized.quantizeInput(inputs.row($0)) }
        return TestVectors(model: quantized, inputs: quantizedInputs, split: split)
    }

    /// The normalization for model_input.h.
    static func inputNormalization(_ normalization: Normalization) -> InputNormalization {
        switch normalization {
        case .none: .none
        case .scale(let factor): .scale(factor)
        case .standardize(let mean, let std): .standardize(mean: mean, std: std)
        case .unitNorm: .unitNorm
        }
    }

    /// The normalization as plain numbers for export.json.
    static func normalization(_ normalization: Normalization) -> [String: [Double]] {
        switch normalization {
        case .none: ["none": []]
        case .scale(let factor): ["scale": [factor]]
        case .standardize(let mean, let std):
            ["standardize_mean": mean, "standardize_std": std]
        case .unitNorm: ["unit_norm": []]
        }
    }

    static func settings(_ request: ExportRequest, checkpoint: CheckpointFile, calibrationCount: Int) -> [String:
        String]
    {
        var settings = [
            "checkpoint_step": "\(checkpoint.step)", "checkpoint_dtype": checkpoint.dtype,
            "quantize": "int8", "weights": request.granularity.rawValue, "rounding": request.rounding.rawValue,
            "calibration": request.calibration.contains("/")
                ? URL(fileURLWithPath: request.calibration).lastPathComponent
                : request.calibration,
            "calibration_samples": "\(calibrationCount)", "percentile": "\(request.percentile)",
            "prefix": request.prefix, "kernel": request.kernel.rawValue,
            "fine_tune_epochs": "\(request.fineTuneEpochs)",
            "formats": request.formats.map(\.rawValue).joined(separator: ","),
        ]
        if request.formats.contains(.tflite) {
            settings["tflite_runtime"] =
                request.rounding == .double
                ? "TFLite Micro (default build: double rounding), bit-identical to model.c"
                : "TFLite Micro built with TFLITE_SINGLE_ROUNDING (the default build rounds twice and differs)"
        }
        if let units = request.units {
            settings["prune_units"] = "\(units)"
            settings["prune_units_criterion"] = "‖incoming weights and bias‖₂ · ‖outgoing weights‖₂, lowest removed"
        }
        if let sparsity = request.sparsity {
            settings["prune_sparsity"] = "\(sparsity)"
            settings["prune_scope"] = request.scope.rawValue
        }
        if !request.overrides.isEmpty { settings["fine_tune_overrides"] = request.overrides.joined(separator: " ") }
        return settings
    }
}
