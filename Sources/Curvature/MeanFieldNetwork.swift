public import Networks
public import Tensors

// Notation (methods.md §4.3): X (N, d) inputs; this shard owns h of the H hidden units, with input weights
// W (h, d), biases b (h) and output weights v (h). Z = X·Wᵀ + 1·bᵀ, S = σ(Z), S' = σ'(Z), all (N, h).

/// One rank's share of the hidden units of the mean-field one-hidden-layer network
/// `f(x) = (1/H)·Σ_h v_h·σ(w_h·x + b_h)`, with its closed-form Jacobian products, all in Double.
///
/// Every quantity that involves all units is a sum over units, so the shards' parts add up: the
/// prediction `S·v/H` and the Gram matrix `A = J·Jᵀ` are all-reduced, and each shard updates its own units.
public struct MeanFieldNetwork: Sendable {
    /// H, the width of the whole network (the 1/H scaling uses it).
    public let totalWidth: Int
    /// The global indices of this shard's units.
    public let units: Range<Int>
    public let activation: Activation
    public var w: Matrix<Double>
    public var b: [Double]
    public var v: [Double]

    /// The units of `units` of a network initialized as §4.1: w, b ~ N(0, std²) drawn unit by unit from
    /// `(seed, StreamKey.initialization.with(index: unit))`, so a unit's weights do not depend on the sharding;
    /// v = 0.
    public init(totalWidth: Int, units: Range<Int>, inputs: Int, activation: Activation, std: Double, seed: UInt64) {
        precondition(
            units.lowerBound >= 0 && units.upperBound <= totalWidth, "MeanFieldNetwork: units \(units) of \(totalWidth)"
        )
        self.totalWidth = totalWidth
        self.units = units
        self.activation = activation
        w = Matrix(rows: units.count, columns: inputs)
        b = [Double](repeating: 0, count: units.count)
        v = b
        for (local, unit) in units.enumerated() {
            var stream = RandomStream(seed: seed, key: .initialization.with(index: unit))
            for j in 0..<inputs { w[local, j] = std * stream.normal() }
            b[local] = std * stream.normal()
        }
    }

    public var width: Int { units.count }
    public var inputs: Int { w.columns }

    /// `S = σ(Z)` and `S' = σ'(Z)`, each `(N, h)`.
    public func features(_ x: Matrix<Double>) -> (s: Matrix<Double>, sPrime: Matrix<Double>) {
        var z = BLAS.matmul(x, .none, w, .transposed)
        for n in 0..<z.rows { for k in 0..<width { z[n, k] += b[k] } }
        var s = z
        var sPrime = z
        for i in z.storage.indices {
            s.storage[i] = activation.value(z.storage[i])
            sPrime.storage[i] = activation.derivative(z.storage[i])
        }
        return (s, sPrime)
    }

    /// This shard's part of the prediction, `S·v/H` (N).
    public func partialPrediction(_ s: Matrix<Double>) -> [Double] {
        var f = [Double](repeating: 0, count: s.rows)
        guard width > 0 else { return f }
        s.storage.withUnsafeBufferPointer { sp in
            v.withUnsafeBufferPointer { vp in
                f.withUnsafeMutableBufferPointer { fp in
                    BLAS.gemv(
                        .none, m: s.rows, n: width, alpha: 1 / Double(totalWidth), a: sp.baseAddress!,
                        x: vp.baseAddress!, beta: 0, y: fp.baseAddress!)
                }
            }
        }
        return f
    }

    /// This shard's part of the Gram matrix (N, N):
    /// `A = (1/H²)·[S·Sᵀ + (S'·Diag(v²)·S'ᵀ) ∘ K]` with `K = X·Xᵀ + 11ᵀ` (the same for every shard).
    public func partialGram(s: Matrix<Double>, sPrime: Matrix<Double>, kernel k: Matrix<Double>) -> Matrix<Double> {
        let n = s.rows
        var gram = Matrix<Double>(rows: n, columns: n)
        guard width > 0 else { return gram }
        var scaled = sPrime
        for row in 0..<n { for u in 0..<width { scaled[row, u] *= v[u] } }
        BLAS.gemm(scaled, .none, scaled, .transposed, into: &gram)  // S'·Diag(v²)·S'ᵀ
        for i in gram.storage.indices { gram.storage[i] *= k.storage[i] }
        BLAS.gemm(s, .none, s, .transposed, into: &gram, beta: 1)
        let factor = 1 / Double(totalWidth * totalWidth)
        for i in gram.storage.indices { gram.storage[i] *= factor }
        return gram
    }

    /// `K = X·Xᵀ + 11ᵀ` (N, N): the kernel of the input weights and biases.
    public static func kernel(_ x: Matrix<Double>) -> Matrix<Double> {
        var k = BLAS.matmul(x, .none, x, .transposed)
        for i in k.storage.indices { k.storage[i] += 1 }
        return k
    }

    /// `Jᵀ·z` restricted to this shard's parameters, as (ΔW, Δb, Δv) for z (N):
    /// `∂/∂v = Sᵀz/H`, `∂/∂W = Diag(v)·S'ᵀ·Diag(z)·X/H`, `∂/∂b = Diag(v)·S'ᵀz/H`.
    public func jacobianTransposeProduct(
        _ z: [Double], x: Matrix<Double>, s: Matrix<Double>, sPrime: Matrix<Double>
    ) -> (w: Matrix<Double>, b: [Double], v: [Double]) {
        let n = x.rows
        let inverseWidth = 1 / Double(totalWidth)
        var dv = [Double](repeating: 0, count: width)
        var db = dv
        var weighted = Matrix<Double>(rows: width, columns: n)  // Diag(v)·S'ᵀ·Diag(z)
        for u in 0..<width {
            var sumS = 0.0
            var sumSPrime = 0.0
            for row in 0..<n {
                sumS += s[row, u] * z[row]
                let value = v[u] * sPrime[row, u] * z[row]
                weighted[u, row] = value * inverseWidth
                sumSPrime += value
            }
            dv[u] = sumS * inverseWidth
            db[u] = sumSPrime * inverseWidth
        }
        let dw = BLAS.matmul(weighted, .none, x, .none)
        return (dw, db, dv)
    }

    /// `θ ← θ − step·(ΔW, Δb, Δv)`.
    public mutating func apply(_ delta: (w: Matrix<Double>, b: [Double], v: [Double]), step: Double) {
        for i in w.storage.indices { w.storage[i] -= step * delta.w.storage[i] }
        for u in 0..<width {
            b[u] -= step * delta.b[u]
            v[u] -= step * delta.v[u]
        }
    }

    /// The explicit Jacobian `∂f/∂θ` (N, P) with θ = (W row-major, b, v) of this shard, for tests.
    public func explicitJacobian(_ x: Matrix<Double>) -> Matrix<Double> {
        let (s, sPrime) = features(x)
        let n = x.rows
        let d = inputs
        var jacobian = Matrix<Double>(rows: n, columns: width * d + 2 * width)
        let inverseWidth = 1 / Double(totalWidth)
        for row in 0..<n {
            for u in 0..<width {
                for j in 0..<d { jacobian[row, u * d + j] = v[u] * sPrime[row, u] * x[row, j] * inverseWidth }
                jacobian[row, width * d + u] = v[u] * sPrime[row, u] * inverseWidth
                jacobian[row, width * d + width + u] = s[row, u] * inverseWidth
            }
        }
        return jacobian
    }
}
