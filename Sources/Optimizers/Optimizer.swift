public import Networks
public import Tensors

/// A first-order update rule on the flat parameter buffer.
///
/// An optimizer validates its hyper-parameters in `init`, keeps its state (moments, step count) outside
/// the model in buffers of the parameters' layout, and has one `step`. The trainer sets `learningRate`
/// before each step (for schedules); all other settings are fixed at construction.
public protocol Optimizer<Scalar> {
    associatedtype Scalar: BLASScalar

    /// The config name, e.g. `sgd`.
    var name: String { get }
    /// The learning rate η used by the next `step`.
    var learningRate: Double { get set }

    /// `θ ← update(θ, g)`, in place. `gradient` has the parameters' layout; it is a pointer so the update can
    /// read a gradient wherever the all-reduce left it (memory shared between ranks, see `SharedSum`).
    mutating func step(parameters: inout ParameterBuffer<Scalar>, gradient: UnsafeBufferPointer<Scalar>)

    /// Everything needed to continue exactly where this optimizer is: for checkpoints.
    var state: OptimizerState<Scalar> { get }
    /// Restores a state from `state`; throws when it does not fit this optimizer.
    mutating func restore(_ state: OptimizerState<Scalar>) throws(OptimizerError)
}

extension Optimizer {
    /// `step` with a gradient in a buffer of the parameters' layout.
    public mutating func step(parameters: inout ParameterBuffer<Scalar>, gradient: ParameterBuffer<Scalar>) {
        precondition(gradient.layout == parameters.layout, "\(name).step: the gradient has another layout")
        gradient.values.withUnsafeBufferPointer { step(parameters: &parameters, gradient: $0) }
    }
}

/// An optimizer's (or a training method's) state: named buffers in the parameters' layout, integer
/// counters, and other vectors of any length kept in Double (a switch's log-weights, per-subset rates).
public struct OptimizerState<Scalar: BLASScalar>: Sendable, Equatable {
    public var buffers: [String: [Scalar]]
    public var counters: [String: Int64]
    public var vectors: [String: [Double]]

    public init(buffers: [String: [Scalar]] = [:], counters: [String: Int64] = [:], vectors: [String: [Double]] = [:]) {
        self.buffers = buffers
        self.counters = counters
        self.vectors = vectors
    }
}

/// A rejected hyper-parameter or an optimizer state that does not fit.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    case invalidHyperparameter(name: String, value: Double, requirement: String)
    case stateMismatch(String)

    public var description: String {
        switch self {
        case .invalidHyperparameter(let name, let value, let requirement):
            "optimizer.\(name) = \(value) is invalid: it must be \(requirement)"
        case .stateMismatch(let detail): "optimizer state does not fit: \(detail)"
        }
    }

    /// Throws `invalidHyperparameter` unless `condition` holds.
    public static func require(
        _ condition: Bool, _ name: String, _ value: Double, _ requirement: String
    ) throws(OptimizerError) {
        if !condition { throw OptimizerError.invalidHyperparameter(name: name, value: value, requirement: requirement) }
    }
}

extension OptimizerState {
    /// The buffer `name`, checked to hold `count` values when `count` is given.
    public func buffer(_ name: String, count: Int? = nil) throws(OptimizerError) -> [Scalar] {
        guard let buffer = buffers[name] else { throw .stateMismatch("missing buffer '\(name)'") }
        if let count, buffer.count != count {
            throw .stateMismatch("buffer '\(name)' has \(buffer.count) values, the model has \(count)")
        }
        return buffer
    }

    public func vector(_ name: String, count: Int? = nil) throws(OptimizerError) -> [Double] {
        guard let vector = vectors[name] else { throw .stateMismatch("missing vector '\(name)'") }
        if let count, vector.count != count {
            throw .stateMismatch("vector '\(name)' has \(vector.count) values, expected \(count)")
        }
        return vector
    }

    public func counter(_ name: String) throws(OptimizerError) -> Int64 {
        guard let value = counters[name] else { throw .stateMismatch("missing counter '\(name)'") }
        return value
    }
}
