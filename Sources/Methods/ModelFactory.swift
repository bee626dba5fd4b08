public import Checkpoints
public import Cluster
public import Configuration
import Export
import Foundation
public import Networks
public import Optimizers
public import Tensors

/// Builds the model, its loss and its optimizer from the typed settings and the data's shape.
public enum ModelFactory {
    /// `[inputs] + model.hidden + [outputs]` with the configured activation and bias.
    public static func architecture(_ settings: Settings, data: PreparedData) throws(ConfigError) -> MLPArchitecture {
        MLPArchitecture(
            sizes: [data.inputCount] + settings.model.hidden + [data.task.outputCount],
            activation: try settings.model.activation(), bias: settings.model.bias)
    }

    /// The configured loss; `auto` follows the task. Throws when the loss does not fit the task.
    public static func loss(_ settings: Settings, task: Task) throws(ConfigError) -> Loss {
        let choice = settings.model.loss
        let loss: Loss =
            switch choice {
            case .crossEntropy: .softmaxCrossEntropy
            case .halfMSE: .halfSquaredError
            case .gaussianNLL: .gaussianNLL(variance: settings.model.nllVariance)
            case .auto:
                if case .classification = task { .softmaxCrossEntropy } else { .halfSquaredError }
            }
        switch (loss.isClassification, task) {
        case (true, .regression):
            throw ConfigError(
                location: "model.loss", message: "\(choice.rawValue) needs class labels, but the data is \(task)")
        case (false, .classification):
            throw ConfigError(
                location: "model.loss", message: "\(choice.rawValue) needs real targets, but the data is \(task)")
        default: return loss
        }
    }

    /// The first-order optimizer `rule` with the shared hyper-parameters of `optimizer`, validated.
    public static func optimizer<Scalar: BLASScalar>(
        _ optimizer: OptimizerSettings, rule: OptimizerSettings.FirstOrder, as type: Scalar.Type = Scalar.self
    ) throws(OptimizerError) -> any Optimizer<Scalar> {
        switch rule {
        case .adam:
            return try Adam<Scalar>(
                learningRate: optimizer.lr, beta1: optimizer.beta1, beta2: optimizer.beta2,
                epsilon: optimizer.epsilon, weightDecay: optimizer.weightDecay)
        case .sgd:
            return try SGD<Scalar>(
                learningRate: optimizer.lr, momentum: optimizer.momentum, dampening: optimizer.dampening,
                nesterov: optimizer.nesterov, weightDecay: optimizer.weightDecay)
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

    public init(_ optimizer: OptimizerSettings, totalSteps: Int) {
        base = optimizer.lr
        minimum = optimizer.minLR
        cosine = optimizer.schedule == .cosine
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
        let settings = try config.typed()
        let seed = UInt64(settings.run.seed)
        let loss = try ModelFactory.loss(settings, task: data.task)
        let bucketBytes = settings.train.bucketBytes
        let sharedMemory = settings.train.allreduce == .sharedMemory
        let method = settings.optimizer.name
        if settings.export.finalSparsity > 0 && ![.sgd, .adam].contains(method) {
            throw ConfigError(
                location: "export.final_sparsity",
                message: "gradual pruning works with optimizer.name sgd or adam, not \(method.rawValue)")
        }
        let initialization = settings.model.initializer
        if let stack = try ModelFactory.stack(settings, data: data) {
            return try layerStackMethod(stack, settings, data: data, loss: loss, as: Scalar.self)
        }
        switch method {
        case .vi:
            let architecture = try ModelFactory.architecture(settings, data: data)
            let model = MLP<Scalar>(architecture, initialization: initialization, seed: seed)
            let vi = try config.settings(VariationalSettings.self, section: "optimizer")
            let priors = model.layout.views.map { view -> VariationalPrior in
                let variance =
                    vi.priorVariance > 0
                    ? vi.priorVariance
                    : initialization.variance(
                        inputs: architecture.sizes[view.layer], outputs: architecture.sizes[view.layer + 1],
                        layer: view.layer)
                switch vi.prior {
                case .laplace: return .laplace(scale: (variance / 2).squareRoot())
                case .meansDecay: return .meansOnlyDecay(variance: variance)
                case .gaussian: return .gaussian(variance: variance)
                }
            }
            return try VariationalMethod(
                model: model, loss: loss, priors: priors, initialStd: vi.initStd,
                trainingSamples: data.trainRows.count, evalSamples: vi.evalSamples, seed: seed,
                optimizer: try ModelFactory.optimizer(settings.optimizer, rule: vi.optimizer, as: Scalar.self),
                sharedMemory: sharedMemory)
        case .gaussNewton:
            let model = MLP<Scalar>(
                try ModelFactory.architecture(settings, data: data), initialization: initialization, seed: seed)
            let ggn = try config.settings(GaussNewtonSettings.self, section: "optimizer")
            return try GaussNewtonMethod(
                model: model, loss: loss, damping: ggn.damping, cgIterations: ggn.cgIterations,
                cgTolerance: ggn.cgTolerance, adaptDamping: ggn.adaptDamping, bucketBytes: bucketBytes,
                sharedMemory: sharedMemory)
        case .groupedNewton:
            let model = MLP<Scalar>(
                try ModelFactory.architecture(settings, data: data), initialization: initialization, seed: seed)
            let gn = try config.settings(GroupedNewtonSettings.self, section: "optimizer")
            let direction: DirectionUpdater<Scalar>.Kind =
                switch gn.direction {
                case .gradient: .gradient
                case .adam:
                    .adam(
                        beta1: settings.optimizer.beta1, beta2: settings.optimizer.beta2,
                        epsilon: settings.optimizer.epsilon)
                case .momentum: .momentum(settings.optimizer.momentum)
                }
            return try GroupedNewtonMethod(
                model: model, loss: loss, partition: try partition(gn, layout: model.layout), direction: direction,
                settings: gn.solver, period: gn.period,
                curvatureBatch: gn.batchSize > 0 ? gn.batchSize : settings.data.batchSize, data: data, seed: seed,
                bucketBytes: bucketBytes, sharedMemory: sharedMemory)
        case .alrao:
            let architecture = try ModelFactory.architecture(settings, data: data)
            if case .regression = data.task, settings.model.loss == .halfMSE {
                throw ConfigError(
                    location: "model.loss",
                    message:
                        "Alrao's regression copies are Gaussians: use gaussian-nll (or auto) with optimizer.name alrao")
            }
            let alrao = try config.settings(AlraoSettings.self, section: "optimizer")
            let shared = settings.optimizer
            return try AlraoMethod<Scalar>(
                sizes: architecture.sizes, activation: architecture.activation, bias: architecture.bias,
                initialization: initialization, seed: seed, copies: alrao.copies, minRate: alrao.minLR,
                maxRate: alrao.maxLR, kind: alrao.body == .adam ? .adam : .sgd, momentum: alrao.momentum,
                dampening: shared.dampening, weightDecay: shared.weightDecay, beta1: shared.beta1,
                beta2: shared.beta2, epsilon: shared.epsilon, classification: loss.isClassification,
                variance: settings.model.nllVariance, bucketBytes: bucketBytes, sharedMemory: sharedMemory)
        case .sgd, .adam:
            let model = MLP<Scalar>(
                try ModelFactory.architecture(settings, data: data), initialization: initialization, seed: seed)
            let optimizer = try firstOrderOptimizer(
                settings, data: data, prunedLayers: Array(0..<model.architecture.layerCount), layout: model.layout,
                as: Scalar.self)
            return StandardMethod(
                model: model, optimizer: optimizer, loss: loss, bucketBytes: bucketBytes, sharedMemory: sharedMemory)
        }
    }
}

extension MethodFactory {
    /// `optimizer.name` (sgd or adam), wrapped in the gradual pruning masks when `export.final_sparsity` is
    /// set; `layers` are the layers with weights, in order (the last one is left out unless
    /// `export.prune_output_layer`).
    static func firstOrderOptimizer<Scalar: TrainingScalar>(
        _ settings: Settings, data: PreparedData, prunedLayers layers: [Int], layout: ParameterLayout,
        as type: Scalar.Type
    ) throws -> any Optimizer<Scalar> {
        let optimizer = try ModelFactory.optimizer(
            settings.optimizer, rule: settings.optimizer.name == .adam ? .adam : .sgd, as: Scalar.self)
        let planned = settings.train.epochs * max(1, data.trainRows.count / settings.data.batchSize)
        guard let pruning = try PruningOptimizer<Scalar>.schedule(settings.export, plannedSteps: planned) else {
            return optimizer
        }
        let pruned = PruningOptimizer<Scalar>.prunedLayers(settings.export, layerCount: layers.count).map { layers[$0] }
        return PruningOptimizer(
            wrapping: optimizer, schedule: pruning, scope: settings.export.pruneScope, layers: pruned, layout: layout)
    }

    /// The method for a network of `model.layers`: sgd or adam (and gradual pruning) on a `Sequential`.
    static func layerStackMethod<Scalar: TrainingScalar>(
        _ stack: LayerStack, _ settings: Settings, data: PreparedData, loss: Loss, as type: Scalar.Type
    ) throws -> any TrainingMethod<Scalar> {
        let model = Sequential<Scalar>(
            stack, initialization: settings.model.initializer, seed: UInt64(settings.run.seed))
        let optimizer = try firstOrderOptimizer(
            settings, data: data, prunedLayers: stack.parameterizedLayers, layout: model.layout, as: Scalar.self)
        return SequentialMethod(
            model: model, optimizer: optimizer, loss: loss, bucketBytes: settings.train.bucketBytes,
            sharedMemory: settings.train.allreduce == .sharedMemory)
    }

    /// The partition `gn_partition` (and `gn_groups`) names.
    public static func partition(
        _ settings: GroupedNewtonSettings, layout: ParameterLayout
    ) throws(ConfigError) -> Partition {
        let kind: Partition.Kind
        switch settings.partition {
        case .groups:
            let groups = settings.groups.split(separator: ";").map {
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
        case .tensor: kind = .tensor
        case .layer: kind = .layer
        case .trivial: kind = .trivial
        case .weightsBiases: kind = .weightsBiases
        }
        return Partition(kind, layout: layout)
    }
}
