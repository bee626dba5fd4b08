import Foundation

/// What `partita export` was asked to do, checked as a whole before anything is computed or written.
public struct ExportRequest: Sendable {
    public var checkpointPath: String
    public var outputDirectory: String
    /// `--prune units=F`: the fraction of each hidden layer's units to remove.
    public var units: Double?
    /// `--prune sparsity=F`: the fraction of weights to zero.
    public var sparsity: Double?
    public var scope: PruningScope = .layer
    public var fineTuneEpochs = 0
    /// `--set key=value` for the fine-tuning run (optimizer.*, train.*, export.*).
    public var overrides: [String] = []
    public var granularity: WeightGranularity = .perChannel
    public var rounding: Rounding = .double
    /// `train`, `validation`, `test`, or a `.npy` file of raw features.
    public var calibration = "train"
    public var calibrationSamples = 1000
    public var percentile = 100.0
    public var prefix = "model"
    public var kernel: CEmitter.Kernel = .folded
    /// `--format c,tflite`.
    public var formats: [ExportFormat] = [.c, .tflite]
    /// `--test-vectors N`: the first N rows of the validation split (0: none).
    public var testVectorCount = 100
    public var force = false

    /// The defaults for every option, exporting `checkpointPath` into `outputDirectory`.
    public init(checkpointPath: String, outputDirectory: String) {
        self.checkpointPath = checkpointPath
        self.outputDirectory = outputDirectory
    }

    /// `--prune KIND=FRACTION` arguments into `units` and `sparsity`.
    public mutating func parsePrune(_ arguments: [String]) throws(ExportError) {
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
                throw .invalidRequest(
                    what: "--prune \(argument)", problem: "expected units=FRACTION or sparsity=FRACTION, e.g. units=0.5"
                )
            }
            switch parts[0] {
            case "units":
                guard value >= 0 && value < 1 else {
                    throw .invalidRequest(
                        what: "--prune \(argument)",
                        problem: "the fraction of hidden units to remove must be in [0, 1), got \(value)")
                }
                units = value
            case "sparsity":
                guard value >= 0 && value < 1 else {
                    throw .invalidRequest(
                        what: "--prune \(argument)",
                        problem: "the sparsity (fraction of weights set to zero) must be in [0, 1), got \(value)")
                }
                sparsity = value
            default:
                throw .invalidRequest(
                    what: "--prune \(argument)", problem: "unknown kind '\(parts[0])'; use units=F or sparsity=F")
            }
        }
    }

    /// Everything that can be checked without reading the checkpoint.
    public func validate() throws(ExportError) {
        guard fineTuneEpochs >= 0 else {
            throw .invalidRequest(what: "--fine-tune-epochs \(fineTuneEpochs)", problem: "must be ≥ 0")
        }
        guard testVectorCount >= 0 else {
            throw .invalidRequest(what: "--test-vectors \(testVectorCount)", problem: "must be ≥ 0")
        }
        guard !formats.isEmpty else { throw .invalidRequest(what: "--format", problem: "name at least one format") }
        guard calibrationSamples >= 1 else {
            throw .invalidRequest(what: "--calibration-samples \(calibrationSamples)", problem: "must be ≥ 1")
        }
        guard percentile > 50 && percentile <= 100 else {
            throw .invalidRequest(
                what: "--percentile \(percentile)", problem: "must be in (50, 100]; 100 calibrates on min/max")
        }
        guard CEmitter.isIdentifier(prefix) else {
            throw .invalidRequest(
                what: "--prefix \(prefix)",
                problem: "must be a C identifier: a letter or underscore, then letters, digits or underscores")
        }
        for override in overrides {
            let key = String(override.prefix { $0 != "=" })
            guard ["optimizer.", "train.", "export."].contains(where: { key.hasPrefix($0) }) else {
                throw .invalidRequest(
                    what: "--set \(override)",
                    problem: "fine-tuning accepts only optimizer.*, train.* and export.* keys")
            }
        }
        if !overrides.isEmpty && fineTuneEpochs == 0 {
            throw .invalidRequest(
                what: "--set", problem: "the overrides configure fine-tuning; give --fine-tune-epochs N (N ≥ 1) too")
        }
        let parentPath = ExportPaths.parent(of: outputDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parentPath, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw .invalidRequest(
                what: "-o \(outputDirectory)", problem: "the parent directory \(parentPath) does not exist")
        }
        if FileManager.default.fileExists(atPath: outputDirectory) && !force {
            throw .invalidRequest(
                what: "-o \(outputDirectory)",
                problem: "already exists; choose another directory or pass --force to replace it")
        }
    }
}

/// Path arithmetic on the output directory. (`NSString.deletingLastPathComponent` traps on some relative
/// paths in swift-corelibs-foundation, so URLs do it.)
public enum ExportPaths {
    /// The directory that holds `path`: `.` for a bare name.
    public static func parent(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
    }
}
