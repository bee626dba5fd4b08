public import Cluster
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
