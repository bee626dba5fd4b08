public import Networks
public import Tensors

/// Which weights compete for survival in magnitude pruning.
public enum PruningScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every weight matrix reaches the target sparsity on its own (TF-MOT's `prune_low_magnitude`).
    case layer
    /// One threshold over all pruned matrices together (PyTorch's `global_unstructured`): large layers,
    /// which usually have more redundant weights, end up sparser than small ones.
    case global
}

/// Unstructured magnitude pruning: the weights of smallest |w| are set to zero and kept there by a mask.
///
/// A mask has the parameters' layout (`ParameterLayout`): 1 keeps a parameter, 0 prunes it. Biases and the
/// weights of layers not listed are never pruned. Masks only shrink: a weight pruned once stays pruned.
public enum MagnitudePruning {
    /// The mask that prunes a fraction `sparsity` of the weights of `layers`, on top of `previous`.
    ///
    /// As in TF-MOT (`pruning_impl.py`): of the N candidate weights `k = max(round(N·(1 − s)), 1)` are kept
    /// (`round` half to even, as `tf.round`); the threshold is the k-th largest |w|, and `mask = |w| ≥ threshold`,
    /// so ties keep a few extra weights. Then `mask ∧ previous`. Layer scope applies this to each matrix,
    /// global scope to all candidates pooled.
    public static func mask<S: BLASScalar>(
        _ parameters: ParameterBuffer<S>, sparsity: Double, scope: PruningScope, layers: [Int],
        previous: [S]? = nil
    ) -> [S] {
        precondition(sparsity >= 0 && sparsity < 1, "MagnitudePruning: sparsity \(sparsity) not in [0, 1)")
        precondition(previous == nil || previous!.count == parameters.layout.count, "MagnitudePruning: mask layout")
        var mask = previous ?? [S](repeating: 1, count: parameters.layout.count)
        let views = layers.map { parameters.layout.views(ofLayer: $0).weight }
        let groups: [[ParameterView]] = scope == .layer ? views.map { [$0] } : [views]
        for group in groups {
            var magnitudes = [S]()
            for view in group { magnitudes.append(contentsOf: parameters.values[view.range].map { abs($0) }) }
            guard !magnitudes.isEmpty else { continue }
            let keep = max(Int((Double(magnitudes.count) * (1 - sparsity)).rounded(.toNearestOrEven)), 1)
            magnitudes.sort(by: >)
            let threshold = magnitudes[keep - 1]
            for view in group {
                for i in view.range where abs(parameters.values[i]) < threshold { mask[i] = 0 }
            }
        }
        return mask
    }

    /// `θ ← θ ⊙ mask`.
    public static func apply<S: BLASScalar>(_ mask: [S], to parameters: inout ParameterBuffer<S>) {
        precondition(mask.count == parameters.values.count, "MagnitudePruning.apply: mask of \(mask.count) values")
        parameters.values.withUnsafeMutableBufferPointer { theta in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<theta.count { theta[i] *= m[i] }
            }
        }
    }

    /// The mask that keeps exactly the non-zero weights of `parameters` (and every bias): how a model that
    /// was pruned before is kept sparse while it is fine-tuned.
    public static func nonZeroMask<S: BLASScalar>(_ parameters: ParameterBuffer<S>) -> [S] {
        var mask = [S](repeating: 1, count: parameters.layout.count)
        for view in parameters.layout.views where view.role == .weight {
            for i in view.range where parameters.values[i] == 0 { mask[i] = 0 }
        }
        return mask
    }

    /// The fraction of exactly-zero weights in each layer's weight matrix.
    public static func sparsity<S: BLASScalar>(_ parameters: ParameterBuffer<S>) -> [Double] {
        (0..<parameters.layout.layerCount).map { l in
            let view = parameters.layout.views(ofLayer: l).weight
            let zeros = parameters.values[view.range].lazy.filter { $0 == 0 }.count
            return Double(zeros) / Double(max(view.count, 1))
        }
    }
}
