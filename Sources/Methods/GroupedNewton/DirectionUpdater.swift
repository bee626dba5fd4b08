public import Optimizers
import RealModule
public import Tensors

/// The direction u along which the grouped Newton method moves: the step a first-order optimizer would
/// propose at learning rate 1 (methods.md §3.3). The parameters then move by `−η_s·u_p` in each subset s.
///
/// - `gradient`: u = g;
/// - `momentum(μ)`: b ← μ·b + g (b = g at the first step), u = b (SGD with momentum, dampening 0);
/// - `adam(β₁, β₂, ε)`: the Adam moments, u = m̂/(√v̂ + ε).
public struct DirectionUpdater<Scalar: BLASScalar>: Sendable {
    public enum Kind: Sendable, Equatable {
        case gradient
        case momentum(Double)
        case adam(beta1: Double, beta2: Double, epsilon: Double)
    }

    public let kind: Kind
    private var first: [Scalar] = []
    private var second: [Scalar] = []
    private var steps: Int64 = 0

    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The direction for gradient `g`; updates the moments.
    public mutating func propose(_ g: UnsafeBufferPointer<Scalar>) -> [Scalar] {
        steps += 1
        switch kind {
        case .gradient:
            return Array(g)
        case .momentum(let mu):
            if first.count != g.count || steps == 1 {
                first = Array(g)
            } else {
                let m = Scalar(mu)
                for i in g.indices { first[i] = m * first[i] + g[i] }
            }
            return first
        case .adam(let beta1, let beta2, let epsilon):
            if first.count != g.count {
                first = [Scalar](repeating: 0, count: g.count)
                second = first
            }
            let (b1, b2, eps) = (Scalar(beta1), Scalar(beta2), Scalar(epsilon))
            let c1 = Scalar(1 - Double.pow(beta1, Double(steps)))
            let c2 = Scalar(1 - Double.pow(beta2, Double(steps)))
            var u = [Scalar](repeating: 0, count: g.count)
            for i in g.indices {
                first[i] = b1 * first[i] + (1 - b1) * g[i]
                second[i] = b2 * second[i] + (1 - b2) * g[i] * g[i]
                u[i] = (first[i] / c1) / ((second[i] / c2).squareRoot() + eps)
            }
            return u
        }
    }

    public var state: OptimizerState<Scalar> {
        var buffers = [String: [Scalar]]()
        if !first.isEmpty { buffers["direction_m"] = first }
        if !second.isEmpty { buffers["direction_v"] = second }
        return OptimizerState(buffers: buffers, counters: ["direction_steps": steps])
    }

    public mutating func restore(_ state: OptimizerState<Scalar>) throws(OptimizerError) {
        steps = try state.counter("direction_steps")
        first = state.buffers["direction_m"] ?? []
        second = state.buffers["direction_v"] ?? []
    }
}
