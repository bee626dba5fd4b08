import Tensors
import TestSupport
import Testing

@Suite struct LAPACKTests {
    /// A = Q·diag(λ)·Qᵀ built by hand from a rotation: the eigenvalues come back, and A·v = λ·v.
    @Test func symmetricEigenOfAKnownMatrix() throws {
        let (c, s) = (0.6, 0.8)  // a rotation in the (0, 1) plane
        let lambda = [-1.5, 2.0, 7.0]
        // Columns of Q: (c, s, 0), (−s, c, 0), (0, 0, 1).
        let q = [[c, -s, 0], [s, c, 0], [0, 0, 1.0]]
        var a = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { a[i * 3 + j] += q[i][k] * lambda[k] * q[j][k] } } }
        let (values, vectors) = try LAPACK.symmetricEigen(a, n: 3, vectors: true)
        #expect(Tolerance.relativeError(values, lambda) < 1e-14)
        for k in 0..<3 {
            let v = Array(vectors[(k * 3)..<(k * 3 + 3)])
            for i in 0..<3 {
                let av = (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * v[$1] }
                #expect(abs(av - values[k] * v[i]) < 1e-13)
            }
        }
    }

    @Test func solveAndSingularity() throws {
        // A nonsymmetric system solved by hand: x = (1, −2, 3).
        let a: [Double] = [2, 1, 0, 0, 3, 1, 1, 0, 4]
        let x = try LAPACK.solve(a, n: 3, [0, -3, 13])
        #expect(Tolerance.relativeError(x, [1, -2, 3]) < 1e-15)
        #expect(throws: LAPACK.Failure.self) { try LAPACK.solve([1, 2, 2, 4], n: 2, [1, 1]) }
    }
}
