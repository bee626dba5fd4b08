/// The gradual pruning schedule of Zhu and Gupta ("To prune, or not to prune", arXiv:1710.01878), as
/// TF-MOT's `PolynomialDecay` with power 3 implements it:
///
///     s(t) = s_f + (s_i − s_f)·(1 − p)³,   p = clamp((t − t₀)/(t₁ − t₀), 0, 1)
///
/// The masks are recomputed at steps `t₀, t₀ + Δt, t₀ + 2Δt, …` up to and including `t₁` (and never after):
/// sparsity rises fast at first, when the network has many redundant weights, and flattens towards `t₁`;
/// training continues between updates and after `t₁`, which recovers accuracy.
public struct PruningSchedule: Sendable, Equatable {
    /// `s_i`, the sparsity at `t₀`.
    public let initialSparsity: Double
    /// `s_f`, reached at `t₁` and kept after.
    public let finalSparsity: Double
    /// `t₀`: the first step (steps completed) at which masks are computed.
    public let start: Int
    /// `t₁`: the last mask update.
    public let end: Int
    /// `Δt`: steps between mask updates.
    public let frequency: Int

    /// Checks every setting; messages name the `export` config keys.
    public init(initialSparsity: Double, finalSparsity: Double, start: Int, end: Int, frequency: Int)
        throws(ExportError)
    {
        for (key, value) in [("initial_sparsity", initialSparsity), ("final_sparsity", finalSparsity)] {
            guard value >= 0 && value < 1 else {
                throw .invalidRequest(what: "export.\(key)", problem: "a sparsity must be in [0, 1), got \(value)")
            }
        }
        guard finalSparsity >= initialSparsity else {
            throw .invalidRequest(
                what: "export.final_sparsity",
                problem: "\(finalSparsity) is below initial_sparsity \(initialSparsity); sparsity only grows")
        }
        guard start >= 0 else {
            throw .invalidRequest(what: "export.prune_start", problem: "must be ≥ 0, got \(start)")
        }
        guard end > start else {
            throw .invalidRequest(
                what: "export.prune_end", problem: "must be after prune_start (\(start)), got \(end)")
        }
        guard frequency >= 1 else {
            throw .invalidRequest(what: "export.prune_every", problem: "must be ≥ 1, got \(frequency)")
        }
        self.initialSparsity = initialSparsity
        self.finalSparsity = finalSparsity
        self.start = start
        self.end = end
        self.frequency = frequency
    }

    /// `s(t)` for `t` steps completed.
    public func sparsity(atStep t: Int) -> Double {
        let progress = min(max(Double(t - start) / Double(end - start), 0), 1)
        let remaining = 1 - progress
        return finalSparsity + (initialSparsity - finalSparsity) * remaining * remaining * remaining
    }

    /// Whether the masks are recomputed before the step that follows `t` completed steps: `t₀ ≤ t ≤ t₁` and
    /// `(t − t₀)` a multiple of `Δt`, or `t = t₁` (so the final sparsity is always reached).
    public func updatesMask(atStep t: Int) -> Bool {
        t >= start && t <= end && ((t - start) % frequency == 0 || t == end)
    }
}
