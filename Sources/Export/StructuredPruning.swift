public import Networks
public import Tensors

/// Structured pruning: whole hidden units are removed, so every layer stays dense and simply gets smaller;
/// the flash, the MACs and the activation RAM all shrink, and the int8 kernels run unchanged.
///
/// **Criterion.** Unit j of hidden layer l (a row of `W_l (outputs, inputs)`, an entry of `b_l`, a column of
/// `W_{l+1}`) scores
///
///     score_j = ‖(W_l[j, :], b_l[j])‖₂ · ‖W_{l+1}[:, j]‖₂
///
/// the size of what flows in times the size of what flows out. For ReLU networks the product is invariant
/// under the rescaling `W_l[j,:]·c, b_l[j]·c, W_{l+1}[:,j]/c` (c > 0), which leaves the function unchanged,
/// while either norm alone is not. In each hidden layer the `round(fraction·width)` lowest-scoring units go
/// (at least one unit stays); ties keep the lower index.
///
/// **Removal.** Row j of `W_l` and `b_l[j]` are deleted, and column j of `W_{l+1}`. A removed unit whose
/// incoming weights are all zero outputs the constant `φ(b_l[j])`; it is folded into the next bias first,
/// `b_{l+1} += W_{l+1}[:, j]·φ(b_l[j])`, so removing it changes nothing. Other removed units change the
/// function, which fine-tuning then recovers.
public enum StructuredPruning {
    /// What `removeUnits` produced.
    public struct Result<Scalar: BLASScalar>: Sendable {
        public let model: MLP<Scalar>
        /// For each hidden layer, the indices (in the original model) of the units kept, ascending.
        public let kept: [[Int]]
    }

    /// Removes `fraction` of the units of every hidden layer. Throws for a fraction outside `[0, 1)` or a
    /// model without hidden layers.
    public static func removeUnits<Scalar: BLASScalar>(
        _ model: MLP<Scalar>, fraction: Double
    ) throws(ExportError) -> Result<Scalar> {
        guard fraction >= 0 && fraction < 1 else {
            throw .invalidRequest(
                what: "--prune units=\(fraction)", problem: "the fraction of hidden units to remove must be in [0, 1)")
        }
        let architecture = model.architecture
        let sizes = architecture.sizes
        let layerCount = architecture.layerCount
        guard layerCount >= 2 else { throw .unsupportedModel("it has no hidden layer whose units could be removed") }
        let theta = model.parameters
        let views = (0..<layerCount).map { theta.layout.views(ofLayer: $0) }
        func weight(_ l: Int, _ o: Int, _ i: Int) -> Scalar { theta.values[views[l].weight.offset + o * sizes[l] + i] }
        func bias(_ l: Int, _ o: Int) -> Scalar { views[l].bias.map { theta.values[$0.offset + o] } ?? 0 }

        var kept = [[Int]]()
        for l in 0..<(layerCount - 1) {
            let width = sizes[l + 1]
            let removeCount = min(Int((fraction * Double(width)).rounded(.toNearestOrAwayFromZero)), width - 1)
            let scores: [Double] = (0..<width).map { j in
                var incoming = Double(bias(l, j)) * Double(bias(l, j))
                for i in 0..<sizes[l] { incoming += Double(weight(l, j, i)) * Double(weight(l, j, i)) }
                var outgoing = 0.0
                for o in 0..<sizes[l + 2] { outgoing += Double(weight(l + 1, o, j)) * Double(weight(l + 1, o, j)) }
                return incoming.squareRoot() * outgoing.squareRoot()
            }
            let order = (0..<width).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            kept.append(order.prefix(width - removeCount).sorted())
        }

        // Biases of every layer, with the constant outputs of removed dead units folded in.
        var biases: [[Scalar]] = (0..<layerCount).map { l in (0..<sizes[l + 1]).map { bias(l, $0) } }
        if architecture.bias {
            for l in 0..<(layerCount - 1) {
                let keptSet = Set(kept[l])
                for j in 0..<sizes[l + 1] where !keptSet.contains(j) {
                    guard (0..<sizes[l]).allSatisfy({ weight(l, j, $0) == 0 }) else { continue }
                    let constant: Scalar = architecture.activation(after: l).value(bias(l, j))
                    for o in 0..<sizes[l + 2] { biases[l + 1][o] += weight(l + 1, o, j) * constant }
                }
            }
        }

        let newSizes = [sizes[0]] + kept.map(\.count) + [sizes[layerCount]]
        let newArchitecture = MLPArchitecture(
            sizes: newSizes, activation: architecture.activation, bias: architecture.bias)
        var parameters = ParameterBuffer<Scalar>(layout: newArchitecture.layout)
        for l in 0..<layerCount {
            let rows = l < layerCount - 1 ? kept[l] : Array(0..<sizes[l + 1])
            let columns = l > 0 ? kept[l - 1] : Array(0..<sizes[0])
            let (weightView, biasView) = parameters.layout.views(ofLayer: l)
            parameters[weightView] = rows.flatMap { o in columns.map { i in weight(l, o, i) } }
            if let biasView { parameters[biasView] = rows.map { biases[l][$0] } }
        }
        return Result(model: MLP(newArchitecture, parameters: parameters), kept: kept)
    }
}
