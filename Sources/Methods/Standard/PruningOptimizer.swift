public import Configuration
public import Export
public import Networks
public import Optimizers
public import Tensors

/// An optimizer that prunes while it trains: gradual magnitude pruning on `Export`'s Zhu–Gupta schedule,
/// with the masks kept through the wrapped optimizer.
///
/// Each step, for `t` steps completed:
///
///     if the schedule updates at t:  mask ← MagnitudePruning.mask(θ, s(t)) ∧ mask
///     g ← g ⊙ mask;   θ ← inner.step(θ, g);   θ ← θ ⊙ mask
///
/// Masking the gradient keeps momentum and Adam's moments from growing on pruned weights, and masking θ
/// after the step makes pruned weights exactly zero whatever the inner rule does (weight decay, a momentum
/// built up before the weight was pruned, Adam's bias correction). The mask is part of the optimizer's
/// state (`mask` buffer, `pruning_steps` counter), so checkpoints carry it and a resumed run prunes exactly
/// as an uninterrupted one.
public struct PruningOptimizer<Scalar: BLASScalar>: Optimizer {
    public private(set) var inner: any Optimizer<Scalar>
    public let schedule: PruningSchedule
    public let scope: PruningScope
    /// The layers whose weights are pruned.
    public let layers: [Int]
    /// 1 keeps a parameter, 0 prunes it; the parameters' layout.
    public private(set) var mask: [Scalar]
    private var steps: Int64 = 0
    /// `g ⊙ mask`, rewritten every step.
    private var maskedGradient: [Scalar]

    public init(
        wrapping inner: any Optimizer<Scalar>, schedule: PruningSchedule, scope: PruningScope, layers: [Int],
        layout: ParameterLayout
    ) {
        self.inner = inner
        self.schedule = schedule
        self.scope = scope
        self.layers = layers
        self.mask = [Scalar](repeating: 1, count: layout.count)
        maskedGradient = [Scalar](repeating: 0, count: layout.count)
    }

    /// The inner optimizer's name: a checkpoint of a pruned run resumes with the same optimizer.
    public var name: String { inner.name }

    public var learningRate: Double {
        get { inner.learningRate }
        set { inner.learningRate = newValue }
    }

    /// Starts from a model that already has zeros (a pruned checkpoint being fine-tuned): they stay zero.
    public mutating func keepZeros(of parameters: ParameterBuffer<Scalar>) {
        let zeros = MagnitudePruning.nonZeroMask(parameters)
        for i in mask.indices { mask[i] *= zeros[i] }
    }

    public mutating func step(parameters: inout ParameterBuffer<Scalar>, gradient: UnsafeBufferPointer<Scalar>) {
        let t = Int(steps)
        if schedule.updatesMask(atStep: t) {
            mask = MagnitudePruning.mask(
                parameters, sparsity: schedule.sparsity(atStep: t), scope: scope, layers: layers, previous: mask)
        }
        precondition(gradient.count == mask.count, "PruningOptimizer: \(gradient.count) gradient values")
        mask.withUnsafeBufferPointer { m in
            maskedGradient.withUnsafeMutableBufferPointer { masked in
                for i in 0..<masked.count { masked[i] = gradient[i] * m[i] }
            }
        }
        maskedGradient.withUnsafeBufferPointer { inner.step(parameters: &parameters, gradient: $0) }
        MagnitudePruning.apply(mask, to: &parameters)
        steps += 1
    }

    public var state: OptimizerState<Scalar> {
        var state = inner.state
        state.buffers["mask"] = mask
        state.counters["pruning_steps"] = steps
        return state
    }

    public mutating func restore(_ state: OptimizerState<Scalar>) throws(OptimizerError) {
        guard let saved = state.buffers["mask"], saved.count == mask.count else {
            throw .stateMismatch("missing or mis-sized pruning mask 'mask' (the run prunes: export.final_sparsity > 0)")
        }
        guard let savedSteps = state.counters["pruning_steps"] else {
            throw .stateMismatch("missing counter 'pruning_steps'")
        }
        mask = saved
        steps = savedSteps
        var rest = state
        rest.buffers["mask"] = nil
        rest.counters["pruning_steps"] = nil
        try inner.restore(rest)
    }
}

extension PruningOptimizer {
    /// The schedule the `export` settings ask for over `plannedSteps` steps, or nil when `final_sparsity`
    /// is 0. `prune_end = 0` means 75% of the planned steps.
    public static func schedule(
        _ export: ExportSettings, plannedSteps: Int
    ) throws(ConfigError) -> PruningSchedule? {
        guard export.finalSparsity > 0 else { return nil }
        let start = export.pruneStart
        let end = export.pruneEnd == 0 ? max(start + 1, plannedSteps * 3 / 4) : export.pruneEnd
        do {
            return try PruningSchedule(
                initialSparsity: export.initialSparsity, finalSparsity: export.finalSparsity, start: start, end: end,
                frequency: export.pruneEvery)
        } catch {
            throw ConfigError(location: "config", message: "\(error)")
        }
    }

    /// The layers the `export` settings prune: all, or all but the output layer.
    public static func prunedLayers(_ export: ExportSettings, layerCount: Int) -> [Int] {
        Array(0..<(export.pruneOutputLayer ? layerCount : layerCount - 1))
    }
}
