import Cluster
import Curvature
import Foundation
import Methods
import Networks
import Optimizers
import Tensors
import TestSupport
import Testing
import Training

/// The mean-field network's closed forms against explicit Jacobians, in Double.
@Suite struct MeanFieldTests {
    static func data(_ n: Int, _ d: Int) -> (Matrix<Double>, [Double]) {
        var stream = RandomStream(seed: 3, key: .testing)
        let x = Matrix<Double>(rows: n, columns: d, storage: stream.draw(n * d) { $0.normal() })
        return (x, stream.draw(n) { $0.normal() })
    }

    /// A network with v ≠ 0 (after v = 0 the weight part of the Gram matrix vanishes and would go untested).
    static func network(activation: Activation = .silu) -> MeanFieldNetwork {
        var network = MeanFieldNetwork(
            totalWidth: 7, units: 0..<7, inputs: 3, activation: activation, std: 0.8, seed: 5)
        var stream = RandomStream(seed: 6, key: .testing)
        network.v = stream.draw(network.width) { $0.normal() }
        return network
    }

    @Test(arguments: [Activation.silu, .relu])
    func closedFormGramEqualsExplicitJJT(_ activation: Activation) {
        let (x, _) = Self.data(6, 3)
        let network = Self.network(activation: activation)
        let jacobian = network.explicitJacobian(x)
        let explicit = BLAS.matmul(jacobian, .none, jacobian, .transposed)
        let (s, sPrime) = network.features(x)
        let closed = network.partialGram(s: s, sPrime: sPrime, kernel: MeanFieldNetwork.kernel(x))
        #expect(Tolerance.normRelativeError(closed, explicit) < 1e-10)
        // Two shards' parts add up to the whole.
        var sum = Matrix<Double>(rows: 6, columns: 6)
        for units in [0..<3, 3..<7] {
            var shard = MeanFieldNetwork(
                totalWidth: 7, units: units, inputs: 3, activation: activation, std: 0.8, seed: 5)
            shard.v = Array(network.v[units])
            let (ss, sp) = shard.features(x)
            let part = shard.partialGram(s: ss, sPrime: sp, kernel: MeanFieldNetwork.kernel(x))
            for i in sum.storage.indices { sum.storage[i] += part.storage[i] }
        }
        #expect(Tolerance.normRelativeError(sum, explicit) < 1e-10)
    }

    /// One Gauss-Newton step against θ − lr·Jᵀ(JJᵀ + εI)⁻¹r computed from the explicit Jacobian with a
    /// general linear solve, ε = max(1e-7, λ_min(JJᵀ)).
    @Test func oneStepEqualsTheExplicitFormula() throws {
        let (x, y) = Self.data(6, 3)
        let network = Self.network()
        let jacobian = network.explicitJacobian(x)
        let (s, _) = network.features(x)
        let f = network.partialPrediction(s)
        let r = zip(f, y).map { ($0 - $1) / 6 }
        var a = BLAS.matmul(jacobian, .none, jacobian, .transposed)
        let lambdaMin = max(try LAPACK.symmetricEigen(a.storage, n: 6).values[0], 0)
        for i in 0..<6 { a[i, i] += max(1e-7, lambdaMin) }
        let z = try LAPACK.solve(a.storage, n: 6, r)
        let theta = network.w.storage + network.b + network.v
        var expected = theta
        for p in theta.indices { for n in 0..<6 { expected[p] -= 0.5 * jacobian[n, p] * z[n] } }

        let solver = MeanFieldGaussNewton(
            network: network, x: x, y: y, method: .gaussNewton, learningRate: 0.5,
            communicator: SingleProcessCommunicator())
        try solver.step()
        let after = solver.network.w.storage + solver.network.b + solver.network.v
        #expect(Tolerance.relativeError(after, expected) < 1e-10)
    }

    /// The CPU-scaled problem of §4.5 (d = 10, teacher of 5 units, student of 500, N = 100, lr = 10): Gauss-
    /// Newton gets the loss below 1e-8·loss₀ within 20·N/lr = 200 iterations, gradient descent with the same
    /// rate does not. The per-step contraction of the residual in §4.2, between 1 − lr/N and 1 − lr/(2N),
    /// predicts k = ln(1e-8)/(2·ln(contraction)) = 88 to 180 iterations for the loss (the square of the
    /// residual); fewer than 88 would contradict it.
    @Test func gaussNewtonReachesToleranceGradientDescentDoesNot() throws {
        let (n, lr) = (100, 10.0)
        let budget = 20 * n / Int(lr)
        var results = [String: (reached: Bool, iterations: Int)]()
        for method in ["gn", "gd"] {
            var settings = MeanFieldStudy.Settings()
            settings.method = method
            settings.trainCount = n
            settings.testCount = 10
            settings.learningRate = lr
            settings.maxIterations = budget
            settings.logEvery = 1000
            let summary = try MeanFieldStudy.run(settings, communicator: SingleProcessCommunicator(), record: { _ in })
            results[method] = (summary.reachedTolerance, summary.iterations)
        }
        #expect(results["gn"]!.reached && results["gn"]!.iterations <= budget, "\(results)")
        let fastest = Int((log(1e-8) / (2 * log(1 - lr / Double(n)))).rounded(.up))
        #expect(results["gn"]!.iterations >= fastest, "faster than the contraction allows: \(results)")
        #expect(!results["gd"]!.reached, "\(results)")
    }
}
