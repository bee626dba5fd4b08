public import Cluster
public import Curvature
import Networks
public import Tensors

/// Gauss-Newton and gradient descent on the mean-field one-hidden-layer network, with the hidden units
/// sharded across ranks (Arbel, Menegaux, Wolinski, NeurIPS 2023; methods.md §4.2–4.3).
///
/// The loss is `L = ½·mean_n (f(x_n) − y_n)²`, the residual `r = (f − y)/N`. A Gauss-Newton step
/// computes the Gram matrix `A = J·Jᵀ` (N, N) in closed form, its eigendecomposition (LAPACK `dsyevd`,
/// eigenvalues clamped at 0), the adaptive damping `ε = max(1e-7, σ_min(A))`, `z = (A + εI)⁻¹·r`, and moves
/// `θ ← θ − lr·Jᵀz`. Gradient descent moves `θ ← θ − lr·Jᵀr`. Each rank computes the parts of f and A of its
/// units; two all-reduces (an N-vector and an N×N matrix) make them whole; every rank solves the same
/// system and updates its own units.
public final class MeanFieldGaussNewton {
    public enum Method: String, Sendable, CaseIterable {
        case gaussNewton = "gn"
        case gradientDescent = "gd"
    }

    /// What one step saw before it moved.
    public struct Metrics: Sendable {
        public var trainLoss: Double
        /// σ_min and σ_max of A (nil when A was not computed: gradient descent between logging steps).
        public var sigmaMin: Double?
        public var sigmaMax: Double?
        public var normGrad: Double
        public var stepNorm: Double
    }

    public private(set) var network: MeanFieldNetwork
    public let method: Method
    public let learningRate: Double
    let x: Matrix<Double>
    let y: [Double]
    let kernel: Matrix<Double>
    let communicator: any Communicator

    public init(
        network: MeanFieldNetwork, x: Matrix<Double>, y: [Double], method: Method, learningRate: Double,
        communicator: any Communicator
    ) {
        precondition(x.rows == y.count, "MeanFieldGaussNewton: \(x.rows) inputs, \(y.count) targets")
        self.network = network
        self.x = x
        self.y = y
        self.method = method
        self.learningRate = learningRate
        self.communicator = communicator
        kernel = MeanFieldNetwork.kernel(x)
    }

    /// The whole network's predictions on `inputs` (an all-reduce of the shards' parts).
    public func predict(_ inputs: Matrix<Double>) throws -> [Double] {
        var f = network.partialPrediction(network.features(inputs).s)
        try communicator.allReduce(&f, .sum)
        return f
    }

    /// `½·mean (f − y)²`.
    public static func loss(_ f: [Double], _ y: [Double]) -> Double {
        zip(f, y).reduce(0) { $0 + 0.5 * ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(y.count, 1))
    }

    /// The whole Gram matrix, all-reduced.
    func gram(s: Matrix<Double>, sPrime: Matrix<Double>) throws -> Matrix<Double> {
        var a = network.partialGram(s: s, sPrime: sPrime, kernel: kernel)
        try communicator.allReduce(&a.storage, .sum)
        return a
    }

    /// One step; `withSpectrum` also computes σ_min and σ_max of A for gradient descent (Gauss-Newton always has them).
    @discardableResult
    public func step(withSpectrum: Bool = false) throws -> Metrics {
        let (s, sPrime) = network.features(x)
        var f = network.partialPrediction(s)
        try communicator.allReduce(&f, .sum)
        let n = Double(y.count)
        let r = zip(f, y).map { ($0 - $1) / n }
        var metrics = Metrics(
            trainLoss: Self.loss(f, y), sigmaMin: nil, sigmaMax: nil,
            normGrad: r.reduce(0) { $0 + $1 * $1 }.squareRoot(), stepNorm: 0)
        var direction = r
        if method == .gaussNewton || withSpectrum {
            let a = try gram(s: s, sPrime: sPrime)
            let (values, vectors) = try LAPACK.symmetricEigen(a.storage, n: y.count, vectors: method == .gaussNewton)
            let clamped = values.map { max($0, 0) }
            metrics.sigmaMin = clamped.first
            metrics.sigmaMax = clamped.last
            if method == .gaussNewton {
                direction = Self.dampedSolve(values: clamped, vectors: vectors, r)
            }
        }
        let delta = network.jacobianTransposeProduct(direction, x: x, s: s, sPrime: sPrime)
        var squared = delta.w.storage.reduce(0) { $0 + $1 * $1 }
        squared += delta.b.reduce(0) { $0 + $1 * $1 } + delta.v.reduce(0) { $0 + $1 * $1 }
        var total = [squared]
        try communicator.allReduce(&total, .sum)
        metrics.stepNorm = learningRate * total[0].squareRoot()
        network.apply(delta, step: learningRate)
        return metrics
    }

    /// `z = Q·Diag(1/(λᵢ + ε))·Qᵀ·r` with `ε = max(1e-7, λ_min)`; `vectors[k·N + i]` is component i of eigenvector k.
    static func dampedSolve(values: [Double], vectors: [Double], _ r: [Double]) -> [Double] {
        let n = r.count
        let epsilon = max(1e-7, values.first ?? 0)
        var z = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var projection = 0.0
            for i in 0..<n { projection += vectors[k * n + i] * r[i] }
            let coefficient = projection / (values[k] + epsilon)
            for i in 0..<n { z[i] += coefficient * vectors[k * n + i] }
        }
        return z
    }

    /// The minimum-norm output weights on the current features: `v = (1/H)·Sᵀ·c` with `c = A_v⁺·y` and
    /// `A_v = S·Sᵀ/H²`, the pseudo-inverse with a relative threshold of 1e-10 (the random-features baseline
    /// on the initial features, the hidden-learning probe on the learned ones).
    public func refitOutputWeights() throws {
        let (s, _) = network.features(x)
        var a = BLAS.matmul(s, .none, s, .transposed)
        let scale = 1 / Double(network.totalWidth * network.totalWidth)
        for i in a.storage.indices { a.storage[i] *= scale }
        try communicator.allReduce(&a.storage, .sum)
        let n = y.count
        let (values, vectors) = try LAPACK.symmetricEigen(a.storage, n: n, vectors: true)
        let threshold = 1e-10 * (values.last ?? 0)
        var c = [Double](repeating: 0, count: n)
        for k in 0..<n where values[k] > threshold {
            var projection = 0.0
            for i in 0..<n { projection += vectors[k * n + i] * y[i] }
            for i in 0..<n { c[i] += projection / values[k] * vectors[k * n + i] }
        }
        let inverseWidth = 1 / Double(network.totalWidth)
        for u in 0..<network.width {
            var sum = 0.0
            for row in 0..<n { sum += s[row, u] * c[row] }
            network.v[u] = sum * inverseWidth
        }
    }

    /// The weighted distance of the student's input weights to the teacher's (§4.4): for each unit, the
    /// smallest `√(2(1 − cos))` to a teacher unit, averaged with weights `‖w_h‖²/Σ‖w‖²` over all units.
    public func weightedDistance(teacher: Matrix<Double>) throws -> Double {
        var sums = [0.0, 0.0]
        for u in 0..<network.width {
            let row = network.w.row(u)
            let norm2 = row.reduce(0) { $0 + $1 * $1 }
            guard norm2 > 0 else { continue }
            var best = Double.infinity
            for t in 0..<teacher.rows {
                let other = teacher.row(t)
                let dot = zip(row, other).reduce(0) { $0 + $1.0 * $1.1 }
                let otherNorm = other.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let cosine = dot / (norm2.squareRoot() * otherNorm)
                best = min(best, (2 * max(0, 1 - cosine)).squareRoot())
            }
            sums[0] += norm2 * best
            sums[1] += norm2
        }
        try communicator.allReduce(&sums, .sum)
        return sums[1] > 0 ? sums[0] / sums[1] : .nan
    }
}
