public import Export
public import Networks

/// The whole config, typed: decoded once from a `ResolvedConfig` (see `SettingsDecoder.swift`). Code outside
/// `Configuration` reads settings from here (or from a method's own `Settings` in its folder), never a
/// string key.
public struct Settings: Sendable, Equatable {
    public let run: RunSettings
    public let data: DataSettings
    public let model: ModelSettings
    public let optimizer: OptimizerSettings
    public let train: TrainSettings
    public let export: ExportSettings
    public let diagnostics: DiagnosticsSettings

    public init(_ config: ResolvedConfig) throws(ConfigError) {
        run = try config.settings(RunSettings.self, section: "run")
        data = try config.settings(DataSettings.self, section: "data")
        model = try config.settings(ModelSettings.self, section: "model")
        optimizer = try config.settings(OptimizerSettings.self, section: "optimizer")
        train = try config.settings(TrainSettings.self, section: "train")
        export = try config.settings(ExportSettings.self, section: "export")
        diagnostics = try config.settings(DiagnosticsSettings.self, section: "diagnostics")
    }
}

extension ResolvedConfig {
    /// `Settings(self)`: the typed view of this config.
    public func typed() throws(ConfigError) -> Settings { try Settings(self) }
}

/// `run`: naming, output location and the seed.
public struct RunSettings: Sendable, Decodable, Equatable {
    public let name: String
    public let dir: String
    public let seed: Int
    public let report: Bool
}

/// `data`: where samples come from and how they are split and batched.
public struct DataSettings: Sendable, Decodable, Equatable {
    public enum Source: String, Sendable, Decodable, CaseIterable {
        case digits, npy, idx, csv
        case fashionMNIST = "fashion-mnist"
        case teacherStudent = "teacher-student"
        case sinRegression = "sin-regression"
        case gaussianClasses = "gaussian-classes"
    }
    public enum Normalize: String, Sendable, Decodable, CaseIterable {
        case standardize, scale, none
        case unitNorm = "unit-norm"
    }
    public enum Header: String, Sendable, Decodable, CaseIterable { case auto, present, absent }
    public enum TaskChoice: String, Sendable, Decodable, CaseIterable { case auto, classification, regression }
    public enum TeacherActivation: String, Sendable, Decodable, CaseIterable { case silu, relu }

    public let name: Source
    public let batchSize: Int
    public let validation: Double
    public let normalize: Normalize
    public let scale: Double
    public let trainSubset: Int
    public let testSubset: Int
    public let features: String
    public let labels: String
    public let testFeatures: String
    public let testLabels: String
    public let labelColumn: Int
    public let header: Header
    public let task: TaskChoice
    public let trainSize: Int
    public let testSize: Int
    public let inputDim: Int
    public let teacherWidth: Int
    public let teacherActivation: TeacherActivation
    public let classes: Int
    public let separation: Double

    enum CodingKeys: String, CodingKey {
        case name, validation, normalize, scale, features, labels, header, task, classes, separation
        case batchSize = "batch_size", trainSubset = "train_subset", testSubset = "test_subset"
        case testFeatures = "test_features", testLabels = "test_labels", labelColumn = "label_column"
        case trainSize = "train_size", testSize = "test_size", inputDim = "input_dim"
        case teacherWidth = "teacher_width", teacherActivation = "teacher_activation"
    }
}

/// `model`: the network, its initialization and its loss.
public struct ModelSettings: Sendable, Decodable, Equatable {
    public enum InitializationChoice: String, Sendable, Decodable, CaseIterable {
        case he, glorot, gaussian, weibull
        case weibullPaired = "weibull-paired"
    }
    public enum DType: String, Sendable, Decodable, CaseIterable { case float32, float64 }
    public enum LossChoice: String, Sendable, Decodable, CaseIterable {
        case auto
        case crossEntropy = "cross-entropy"
        case halfMSE = "half-mse"
        case gaussianNLL = "gaussian-nll"
    }

    public let hidden: [Int]
    /// The layer specs of `model.layers` as written; `layers()` parses them. Empty: the MLP of `hidden`.
    public let layerSpecs: [String]
    /// The activation's name as written (`relu`, `weibull-odd`, ...); `ModelSettings.activation(...)` in
    /// `Methods` resolves it with `weibullTheta`.
    public let activationName: String
    public let initialization: InitializationChoice
    public let sigmaW: Double
    public let sigmaB: Double
    public let weibullTheta: Double
    public let bias: Bool
    public let dtype: DType
    public let loss: LossChoice
    public let nllVariance: Double

    enum CodingKeys: String, CodingKey {
        case hidden, bias, dtype, loss
        case layerSpecs = "layers"
        case activationName = "activation", initialization = "init", sigmaW = "sigma_w", sigmaB = "sigma_b"
        case weibullTheta = "weibull_theta", nllVariance = "nll_variance"
    }
}

/// `optimizer`: the keys every method shares. Each method reads its own keys (`alrao_*`, `gn_*`, `ggn_*`,
/// `vi_*`) into the `Settings` struct in its folder under `Methods/`.
public struct OptimizerSettings: Sendable, Decodable, Equatable {
    public enum Method: String, Sendable, Decodable, CaseIterable {
        case sgd, adam, alrao, vi
        case groupedNewton = "grouped-newton"
        case gaussNewton = "gauss-newton"
    }
    public enum Schedule: String, Sendable, Decodable, CaseIterable { case constant, cosine }
    /// The first-order rules a method can run its body with (`alrao_body`, `vi_optimizer`).
    public enum FirstOrder: String, Sendable, Decodable, CaseIterable { case sgd, adam }

    public let name: Method
    public let lr: Double
    public let momentum: Double
    public let nesterov: Bool
    public let dampening: Double
    public let weightDecay: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let schedule: Schedule
    public let minLR: Double

    enum CodingKeys: String, CodingKey {
        case name, lr, momentum, nesterov, dampening, beta1, beta2, epsilon, schedule
        case weightDecay = "weight_decay", minLR = "min_lr"
    }
}

/// `train`: the step loop, logging, checkpoints and the collectives.
public struct TrainSettings: Sendable, Decodable, Equatable {
    public enum AllReduce: String, Sendable, Decodable, CaseIterable {
        case mpi
        case sharedMemory = "shared-memory"
    }

    public let epochs: Int
    public let maxSteps: Int
    public let logEvery: Int
    public let evalEvery: Int
    public let checkpointEvery: Int
    public let keepCheckpoints: Int
    public let hashCheckEvery: Int
    public let bucketMB: Double
    public let allreduce: AllReduce
    public let collectiveTimeout: Double
    /// Whether the run mirrors its records into TensorBoard event files (`tensorboard/`).
    public let tensorboard: Bool
    /// `split.field:max|min` of the evaluation whose best checkpoint is kept (empty: none).
    public let keepBest: String
    /// `split.field:max|min` early stopping watches (empty: none), its patience and least improvement.
    public let earlyStoppingMetric: String
    public let earlyStoppingPatience: Int
    public let earlyStoppingMinDelta: Double

    /// `bucket_mb` in bytes.
    public var bucketBytes: Int { Int(bucketMB * 1_048_576) }

    enum CodingKeys: String, CodingKey {
        case epochs, allreduce, tensorboard
        case keepBest = "keep_best", earlyStoppingMetric = "early_stopping.metric"
        case earlyStoppingPatience = "early_stopping.patience", earlyStoppingMinDelta = "early_stopping.min_delta"
        case maxSteps = "max_steps", logEvery = "log_every", evalEvery = "eval_every"
        case checkpointEvery = "checkpoint_every", keepCheckpoints = "keep_checkpoints"
        case hashCheckEvery = "hash_check_every", bucketMB = "bucket_mb", collectiveTimeout = "collective_timeout"
    }
}

/// `export`: gradual magnitude pruning during training (the Zhu–Gupta schedule).
public struct ExportSettings: Sendable, Decodable, Equatable {
    public let finalSparsity: Double
    public let initialSparsity: Double
    public let pruneStart: Int
    public let pruneEnd: Int
    public let pruneEvery: Int
    public let pruneScope: PruningScope
    public let pruneOutputLayer: Bool

    enum CodingKeys: String, CodingKey {
        case finalSparsity = "final_sparsity", initialSparsity = "initial_sparsity", pruneStart = "prune_start"
        case pruneEnd = "prune_end", pruneEvery = "prune_every", pruneScope = "prune_scope"
        case pruneOutputLayer = "prune_output_layer"
    }
}

/// `diagnostics`: Gaussianity measurements during training.
public struct DiagnosticsSettings: Sendable, Decodable, Equatable {
    public let gaussianityEvery: Int
    public let probeSize: Int
    public let subsample: Int

    enum CodingKeys: String, CodingKey {
        case subsample
        case gaussianityEvery = "gaussianity_every", probeSize = "probe_size"
    }
}

extension ModelSettings {
    /// The hidden activation; a Weibull-paired one for `weibull_theta`. The loader's combination check
    /// (`ConfigLoader.checkCombinations`) rejects a θ outside the pair's table, so this throws only for a
    /// config that skipped it.
    public func activation() throws(ConfigError) -> Activation {
        guard let activation = Activation(name: activationName, weibullTheta: weibullTheta) else {
            throw ConfigError(
                location: "model.activation",
                message: "\(activationName) with θ = \(weibullTheta) is not an activation"
                    + (ConfigLoader.validWeibullThetas(activation: activationName, theta: weibullTheta)
                        .map { "; " + $0 } ?? ""))
        }
        return activation
    }

    /// The layers of `model.layers`, parsed (`Layer(spec:index:weibullTheta:)`); empty for the MLP shorthand.
    /// Shapes are checked once the data's sample shape is known (`ModelFactory.stack`).
    public func layers() throws(ConfigError) -> [Layer] {
        var layers = [Layer]()
        for (index, spec) in layerSpecs.enumerated() {
            do {
                layers.append(try Layer(spec: spec, index: index, weibullTheta: weibullTheta))
            } catch {
                throw ConfigError(location: "model.layers", message: error.description)
            }
        }
        return layers
    }

    /// The weight initialization `init` names, with its parameters.
    public var initializer: Initialization {
        switch initialization {
        case .gaussian: .gaussian(sigmaW: sigmaW, sigmaB: sigmaB)
        case .glorot: .glorot
        case .weibull: .weibull(theta: weibullTheta, scale: 1)
        case .weibullPaired: .weibullPaired(theta: weibullTheta)
        case .he: .he
        }
    }
}
