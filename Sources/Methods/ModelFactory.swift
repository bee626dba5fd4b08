public import Checkpoints
public import Cluster
public import Configuration
import Export
import Foundation
public import Networks
public import Optimizers
public import Tensors

/// Builds the model, its loss and its optimizer from a config and the data's shape.
public enum ModelFactory {
    /// `[inputs] + model.hidden + [outputs]` with the configured activation and bias.
    public static func architecture(_ config: ResolvedConfig, data: PreparedData) -> MLPArchitecture {
        MLPArchitecture(
            sizes: [data.inputCount] + config.integerList("model.hidden") + [data.task.outputCount],
            activation: activation(config),
            bias: config.boolean("model.bias"))
    }

    /// The hidden activation; a Weibull-paired one for `model.weibull_theta` (checked by
    /// `ConfigLoader.checkCombinations`).
    public static func activation(_ config: ResolvedConfig) -> Activation {
        let name = config.string("model.activation")
        guard let activation = Activation(name: name, weibullTheta: config.number("model.weibull_theta")) else {
            preconditionFailure(
                "ModelFactory: \(name) with θ = \(config.number("model.weibull_theta")) passed the checks")
        }
        return activation
    }

    public static func initialization(_ config: ResolvedConfig) -> Initialization {
        switch config.string("model.init") {
        case "gaussian": .gaussian(sigmaW: config.number("model.sigma_w"), sigmaB: config.number("model.sigma_b"))
        case "glorot": .glorot
        case "weibull": .weibull(theta: config.number("model.weibull_theta"), scale: 1)
        case "weibull-paired": .weibullPaired(theta: config.number("model.weibull_theta"))
        default: .he
        }
    }

    /// The configured loss; `auto` follows the task. Throws when the loss does not fit the task.
    public static func loss(_ config: ResolvedConfig, task: Task) throws(ConfigError) -> Loss {
        let name = config.string("model.loss")
        let loss: Loss =
            switch name {
            case "cross-entropy": .softmaxCrossEntropy
            case "half-mse": .halfSquaredError
            case "gaussian-nll": .gaussianNLL(variance: config.number("model.nll_variance"))
            default:
                if case .classification = task { .softmaxCrossEntropy } else { .halfSquaredError }
            }
        switch (loss.isClassification, task) {
        case (true, .regression):
            throw ConfigError(location: "model.loss", message: "\(name) needs class labels, but the data is \(task)")
        case (false, .classification):
            throw ConfigError(location: "model.loss", message: "\(name) needs real targets, but the data is \(task)")
        default: return loss
        }
    }

    /// The configured optimizer, with its hyper-parameters validated.
    public static func optimizer<Scalar: BLASScalar>(
        _ config: ResolvedConfig, as type: Scalar.Type = Scalar.self
    ) throws(OptimizerError) -> any Optimizer<Scalar> {
        let lr = config.number("optimizer.lr")
        switch config.string("optimizer.name") {
        case "adam":
            return try Adam<Scalar>(
                learningRate: lr, beta1: config.number("optimizer.beta1"), beta2: config.number("optimizer.beta2"),
                epsilon: config.number("optimizer.epsilon"), weightDecay: config.number("optimizer.weight_decay"))
        default:
            return try SGD<Scalar>(
                learningRate: lr, momentum: config.number("optimizer.momentum"),
                dampening: config.number("optimizer.dampening"), nesterov: config.boolean("optimizer.nesterov"),
                weightDecay: config.number("optimizer.weight_decay"))
        }
    }
}

/// The learning rate at each step: constant, or cosine decay from `lr` to `min_lr` over all planned steps,
/// `η(t) = η_min + ½(η − η_min)(1 + cos(π·t/T))`.
public struct LearningRateSchedule: Sendable {
    public let base: Double
    public let minimum: Double
    public let cosine: Bool
    public let totalSteps: Int

    public init(_ config: ResolvedConfig, totalSteps: Int) {
        base = config.number("optimizer.lr")
        minimum = config.number("optimizer.min_lr")
        cosine = config.string("optimizer.schedule") == "cosine"
        self.totalSteps = max(totalSteps, 1)
    }

    public func rate(at step: Int) -> Double {
        guard cosine else { return base }
        let progress = Double(min(step, totalSteps)) / Double(totalSteps)
        return minimum + 0.5 * (base - minimum) * (1 + cos(Double.pi * progress))
    }
}

/// The scalar types a model can be trained in: BLAS can compute with them, checkpoints can store them and
/// collectives can carry them (`Float` and `Double`).
public typealias TrainingScalar = BLASScalar & SafeTensorsElement & CollectiveElement

/// Builds the training method named by `optimizer.name`, with its freshly initialized model.
public enum MethodFactory {
    public static func method<Scalar: TrainingScalar>(
        _ config: ResolvedConfig, data: PreparedData, as type: Scalar.Type = Scalar.self
    ) throws -> any TrainingMethod<Scalar> {
        let seed = UInt64(config.integer("run.seed"))
        let loss = try ModelFactory.loss(config, task: data.task)
        let bucketBytes = Int(config.number("train.bucket_mb") * 1_048_576)
        let name = config.string("optimizer.name")
        if config.number("export.final_sparsity") > 0 && !["sgd", "adam"].contains(name) {
            throw ConfigError(
                location: "export.final_sparsity",
                message: "gradual pruning works with optimizer.name sgd or adam, not \(name)")
        }
        switch name {
        case "vi":
            let architecture = ModelFactory.architecture(config, data: data)
            let initialization = ModelFactory.initialization(config)
            let model = MLP<Scalar>(architecture, initialization: initialization, seed: seed)
            var base = config
            try ConfigLoader.apply(overrides: ["optimizer.name=\(config.string("optimizer.vi_optimizer"))"], to: &base)
            let fixedVariance = config.number("optimizer.vi_prior_variance")
            let priors = model.layout.views.map { view -> VariationalPrior in
                let variance =
                    fixedVariance > 0
                    ? fixedVariance
                    : initialization.variance(
                        inputs: architecture.sizes[view.layer], outputs: architecture.sizes[view.layer + 1],
                        layer: view.layer)
                switch config.string("optimizer.vi_prior") {
                case "laplace": return .laplace(scale: (variance / 2).squareRoot())
                case "means-decay": return .meansOnlyDecay(variance: variance)
                default: return .gaussian(variance: variance)
                }
            }
            return try VariationalMethod(
                model: model, loss: loss, priors: priors, initialStd: config.number("optimizer.vi_init_std"),
                trainingSamples: data.trainRows.count, evalSamples: config.integer("optimizer.vi_eval_samples"),
                seed: seed, optimizer: try ModelFactory.optimizer(base, as: Scalar.self),
                sharedMemory: config.string("train.allreduce") == "shared-memory")
        case "gauss-newton":
            let model = MLP<Scalar>(
                ModelFactory.architecture(config, data: data), initialization: ModelFactory.initialization(config),
                seed: seed)
            return try GaussNewtonMethod(
                model: model, loss: loss, damping: config.number("optimizer.ggn_damping"),
                cgIterations: config.integer("optimizer.ggn_cg_iterations"),
                cgTolerance: config.number("optimizer.ggn_cg_tolerance"),
                adaptDamping: config.boolean("optimizer.ggn_adapt_damping"))
        case "grouped-newton":
            let model = MLP<Scalar>(
                ModelFactory.architecture(config, data: data), initialization: ModelFactory.initialization(config),
                seed: seed)
            var settings = GroupedNewton.Settings()
            settings.order = config.integer("optimizer.gn_order")
            settings.lambda = config.number("optimizer.gn_lambda")
            settings.ridge = config.number("optimizer.gn_ridge")
            settings.damping = config.number("optimizer.gn_damping")
            settings.movingAverage = config.number("optimizer.gn_moving_average")
            settings.removeNegative = config.boolean("optimizer.gn_remove_negative")
            settings.uniformAveragePeriod = config.integer("optimizer.gn_average_period")
            settings.warmup = config.integer("optimizer.gn_warmup")
            settings.plateauPatience = config.integer("optimizer.gn_plateau_patience")
            settings.plateauFactor = config.number("optimizer.gn_plateau_factor")
            settings.plateauThreshold = config.number("optimizer.gn_plateau_threshold")
            let direction: DirectionUpdater<Scalar>.Kind =
                switch config.string("optimizer.gn_direction") {
                case "gradient": .gradient
                case "adam":
                    .adam(
                        beta1: config.number("optimizer.beta1"), beta2: config.number("optimizer.beta2"),
                        epsilon: config.number("optimizer.epsilon"))
                default: .momentum(config.number("optimizer.momentum"))
                }
            let batch = config.integer("optimizer.gn_batch_size")
            return try GroupedNewtonMethod(
                model: model, loss: loss, partition: try partition(config, layout: model.layout), direction: direction,
                settings: settings, period: config.integer("optimizer.gn_period"),
                curvatureBatch: batch > 0 ? batch : config.integer("data.batch_size"), data: data, seed: seed,
                bucketBytes: bucketBytes, sharedMemory: config.string("train.allreduce") == "shared-memory")
        case "alrao":
            let architecture = ModelFactory.architecture(config, data: data)
            if case .regression = data.task, config.string("model.loss") == "half-mse" {
                throw ConfigError(
                    location: "model.loss",
                    message:
                        "Alrao's regression copies are Gaussians: use gaussian-nll (or auto) with optimizer.name alrao")
            }
            return try AlraoMethod<Scalar>(
                sizes: architecture.sizes, activation: architecture.activation, bias: architecture.bias,
                initialization: ModelFactory.initialization(config), seed: seed,
                copies: config.integer("optimizer.alrao_copies"), minRate: config.number("optimizer.alrao_min_lr"),
                maxRate: config.number("optimizer.alrao_max_lr"),
                kind: config.string("optimizer.alrao_body") == "adam" ? .adam : .sgd,
                momentum: config.number("optimizer.alrao_momentum"), dampening: config.number("optimizer.dampening"),
                weightDecay: config.number("optimizer.weight_decay"), beta1: config.number("optimizer.beta1"),
                beta2: config.number("optimizer.beta2"), epsilon: config.number("optimizer.epsilon"),
                classification: loss.isClassification, variance: config.number("model.nll_variance"))
        default:
            let model = MLP<Scalar>(
                ModelFactory.architecture(config, data: data), initialization: ModelFactory.initialization(config),
                seed: seed)
            var optimizer = try ModelFactory.optimizer(config, as: Scalar.self)
            let planned =
                config.integer("train.epochs") * max(1, data.trainRows.count / config.integer("data.batch_size"))
            if let pruning = try PruningOptimizer<Scalar>.schedule(config, plannedSteps: planned) {
                optimizer = PruningOptimizer(
                    wrapping: optimizer, schedule: pruning,
                    scope: PruningScope(rawValue: config.string("export.prune_scope"))!,
                    layers: PruningOptimizer<Scalar>.prunedLayers(config, layerCount: model.architecture.layerCount),
                    layout: model.layout)
            }
            return StandardMethod(
                model: model, optimizer: optimizer, loss: loss, bucketBytes: bucketBytes,
                sharedMemory: config.string("train.allreduce") == "shared-memory")
        }
    }
}

extension MethodFactory {
    /// The partition `optimizer.gn_partition` (and `gn_groups`) names.
    public static func partition(_ config: ResolvedConfig, layout: ParameterLayout) throws -> Partition {
        let kind = config.string("optimizer.gn_partition")
        if kind == "groups" {
            let text = config.string("optimizer.gn_groups")
            let groups = text.split(separator: ";").map {
                $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }.filter { !$0.isEmpty }
            guard !groups.isEmpty else {
                throw ConfigError(location: "optimizer.gn_groups", message: "name at least one group of tensors")
            }
            do {
                return try Partition.groups(groups, layout: layout).get()
            } catch {
                throw ConfigError(location: "optimizer.gn_groups", message: "\(error)")
            }
        }
        return Partition(Partition.Kind(rawValue: kind)!, layout: layout)
    }
}
