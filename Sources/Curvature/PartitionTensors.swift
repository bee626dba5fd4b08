/// The partition-wise derivatives of the loss along a direction (Wolinski 2025; methods.md §3.1): for a
/// partition of the parameters into subsets T₁…T_S and a direction u, with u₍ᵢ₎ = u restricted to Tᵢ and
/// φ(t₁…t_S) = L(θ + Σᵢ tᵢ·u₍ᵢ₎),
///
///     ḡᵢ  = ∂φ/∂tᵢ        = Σ_{p∈Tᵢ} g_p·u_p           (S)
///     H̄ᵢⱼ = ∂²φ/∂tᵢ∂tⱼ    = u₍ᵢ₎ᵀ·H·u₍ⱼ₎                (S×S, symmetric)
///     D3ᵢ = ∂³φ/∂tᵢ³                                   (S, the diagonal of the order-3 tensor)
///
/// All three are sums over samples, so shards on several ranks add up (an all-reduce sum of `flattened`); they are kept in Double.
public struct PartitionTensors: Sendable, Equatable {
    public var gBar: [Double]
    /// Row-major S×S.
    public var hBar: [Double]
    public var d3: [Double]

    public init(gBar: [Double], hBar: [Double], d3: [Double]) {
        precondition(hBar.count == gBar.count * gBar.count && d3.count == gBar.count, "PartitionTensors: shapes")
        self.gBar = gBar
        self.hBar = hBar
        self.d3 = d3
    }

    public init(zeros count: Int) {
        self.init(
            gBar: [Double](repeating: 0, count: count), hBar: [Double](repeating: 0, count: count * count),
            d3: [Double](repeating: 0, count: count))
    }

    public var count: Int { gBar.count }

    /// `[ḡ, H̄, D3]` in one vector of S + S² + S numbers: what one all-reduce carries.
    public var flattened: [Double] { gBar + hBar + d3 }

    public init(flattened values: [Double], count s: Int) {
        precondition(values.count == s * s + 2 * s, "PartitionTensors: \(values.count) values for S = \(s)")
        self.init(gBar: Array(values[0..<s]), hBar: Array(values[s..<(s + s * s)]), d3: Array(values[(s + s * s)...]))
    }
}
