import ArgumentParser
import Export
import Foundation
import Training

/// `partita export CHECKPOINT -o DIR [--prune units=F] [--prune sparsity=F] [--fine-tune-epochs N] ...`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Prune, quantize to int8 and write a checkpoint's model as C for microcontrollers.",
        discussion: """
            Writes DIR/model.h, DIR/model.c (C99, integer-only inference, no allocation), DIR/model_input.h \
            (raw features to int8 input), DIR/model.tflite (for TFLite Micro, bit-identical to the C), \
            DIR/test_vectors/ (inputs.bin, expected.bin) and DIR/export.json (flash and RAM bytes, MACs, \
            float and int8 accuracy, per-layer quantization parameters). The arithmetic is \
            TensorFlow Lite Micro's (CMSIS-NN computes the same). Pruning happens first: structured \
            (units=F removes that fraction of every hidden layer's units), then unstructured (sparsity=F \
            zeros that fraction of the weights, gradually over the fine-tuning epochs, or at once without \
            them). See docs/methods/export.md and deploy/mcu/ to run the result on a Cortex-M4.
            """)

    @Argument(help: "A checkpoint file (.safetensors), e.g. runs/digits-mlp/checkpoints/latest.")
    var checkpoint: String

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("The directory to write (e.g. RUN/export).", valueName: "dir"))
    var output: String

    @Option(
        help: ArgumentHelp(
            "units=F removes a fraction F of each hidden layer's units; sparsity=F zeros a fraction F of the "
                + "weights (repeatable).", valueName: "kind=fraction"))
    var prune: [String] = []

    @Option(help: "Magnitude threshold per weight matrix (layer) or over all of them (global).")
    var pruneScope: ScopeArgument = .layer

    @Option(help: "Epochs of training after pruning, with the checkpoint's config (0: none).")
    var fineTuneEpochs = 0

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override an optimizer.*, train.* or export.* key for fine-tuning (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Weight scales per output channel or one per layer.")
    var weights: GranularityArgument = .perChannel

    @Option(help: "Requantization rounding: double (TFLite Micro, CMSIS-NN) or single.")
    var rounding: RoundingArgument = .double

    @Option(
        help: ArgumentHelp(
            "Calibration data: the checkpoint's train, validation or test split, or a .npy file of raw features.",
            valueName: "data"))
    var calibrate = "train"

    @Option(help: "At most this many calibration samples, spread evenly over the data.")
    var calibrationSamples = 1000

    @Option(help: "Calibrate activation ranges on this percentile of the values instead of min/max (100).")
    var percentile = 100.0

    @Option(help: "Prefix of the C names: PREFIX_invoke, PREFIX_INPUT_SIZE, ...")
    var prefix = "model"

    @Option(help: "Inner loop: folded (input zero point folded into the bias) or reference (TFLite Micro's).")
    var kernel: KernelArgument = .folded

    @Option(
        help: ArgumentHelp("Files to write: c (model.h, model.c), tflite (model.tflite), or both.", valueName: "list"))
    var format = "c,tflite"

    @Option(
        help: ArgumentHelp(
            "Write the first N validation rows, quantized, and the int8 outputs to test_vectors/ (0: none).",
            valueName: "n"))
    var testVectors = 100

    @Flag(help: "Replace the output directory if it exists.")
    var force = false

    @OptionGroup var shared: SharedOptions

    func run() throws {
        try Runtime.run(logLevel: shared.logLevel.level, distributed: false) { context in
            var request = ExportRequest(checkpointPath: checkpoint, outputDirectory: output)
            try request.parsePrune(prune)
            request.scope = pruneScope.scope
            request.fineTuneEpochs = fineTuneEpochs
            request.overrides = overrides
            request.granularity = weights.granularity
            request.rounding = rounding.rounding
            request.calibration = calibrate
            request.calibrationSamples = calibrationSamples
            request.percentile = percentile
            request.prefix = prefix
            request.kernel = kernel.kernel
            request.formats = try ExportFormat.parse(format)
            request.testVectorCount = testVectors
            request.force = force
            let observer =
                fineTuneEpochs > 0 ? ProgressReporter(bar: Console.isTerminal && !shared.plain) : nil
            let outcome = try ModelExport.run(request, logger: context.logger, observer: observer)
            Console.output(Self.describe(outcome.report, directory: outcome.directory))
        }
    }

    /// The summary printed after an export.
    static func describe(_ report: ExportReport, directory: String) -> String {
        let flash = report.flashBytes
        var lines = [
            "model " + report.sizes.map(String.init).joined(separator: "-") + ", \(report.macs) MACs per inference",
            "flash: \(flash.weights) weights + \(flash.biases) biases + \(flash.multipliers) multipliers"
                + (flash.lookupTables > 0 ? " + \(flash.lookupTables) tables" : "")
                + (flash.code.map { " + \($0) code = \(flash.total ?? 0) bytes" } ?? " bytes (code not measured)"),
            "ram: \(report.ramBytes.arena) arena + \(report.ramBytes.input) input + \(report.ramBytes.output) output "
                + "= \(report.ramBytes.total) bytes",
        ]
        let accuracy = report.accuracy
        if let float = accuracy.float, let int8 = accuracy.int8 {
            var line = String(
                format: "%@ accuracy: float %.2f%%, int8 %.2f%% (%d samples)", accuracy.split, 100 * float, 100 * int8,
                accuracy.count)
            if let before = accuracy.floatBeforePruning {
                line += String(format: "; before pruning %.2f%%", 100 * before)
            }
            lines.append(line)
        } else {
            lines.append(
                String(format: "%@ loss: float %.6f, int8 %.6f", accuracy.split, accuracy.lossFloat, accuracy.lossInt8))
        }
        lines.append("written: \(directory)/" + (report.files + ["export.json"]).joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}

/// `--prune-scope`.
enum ScopeArgument: String, ExpressibleByArgument, CaseIterable {
    case layer, global

    var scope: PruningScope { PruningScope(rawValue: rawValue)! }
}

/// `--weights`.
enum GranularityArgument: String, ExpressibleByArgument, CaseIterable {
    case perChannel = "per-channel"
    case perTensor = "per-tensor"

    var granularity: WeightGranularity { WeightGranularity(rawValue: rawValue)! }
}

/// `--rounding`.
enum RoundingArgument: String, ExpressibleByArgument, CaseIterable {
    case double, single

    var rounding: Rounding { Rounding(rawValue: rawValue)! }
}

/// `--kernel`.
enum KernelArgument: String, ExpressibleByArgument, CaseIterable {
    case folded, reference

    var kernel: CEmitter.Kernel { CEmitter.Kernel(rawValue: rawValue)! }
}
