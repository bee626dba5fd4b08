import Tensors
import TestSupport
import Testing

/// The BLAS wrappers against the naive triple loop, for every transpose combination and both precisions.
@Suite struct BLASTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (3, 5, 7), (17, 4, 33), (64, 10, 128)]

    func randomMatrix<S: BLASScalar>(_ rows: Int, _ columns: Int, _ stream: inout RandomStream) -> Matrix<S> {
        Matrix(rows: rows, columns: columns, storage: stream.draw(rows * columns) { $0.normal() })
    }

    func check<S: BLASScalar>(_ type: S.Type, tolerance: Double) {
        var stream = RandomStream(seed: 42, stream: 0)
        for (m, n, k) in Self.shapes {
            for transA in [BLAS.Transpose.none, .transposed] {
                for transB in [BLAS.Transpose.none, .transposed] {
                    let a: Matrix<S> = transA == .none ? randomMatrix(m, k, &stream) : randomMatrix(k, m, &stream)
                    let b: Matrix<S> = transB == .none ? randomMatrix(k, n, &stream) : randomMatrix(n, k, &stream)
                    let fast = BLAS.matmul(a, transA, b, transB)
                    let naive = NaiveKernels.matmul(a, transA, b, transB)
                    let error = Tolerance.normRelativeError(fast, naive)
                    #expect(error < tolerance, "\(S.self) m=\(m) n=\(n) k=\(k) \(transA) \(transB): \(error)")
                }
            }
        }
    }

    @Test func doubleMatchesNaiveWithin1e12() { check(Double.self, tolerance: 1e-12) }
    @Test func floatMatchesNaiveWithin1e5() { check(Float.self, tolerance: 1e-5) }

    @Test func gemmAccumulatesWithBeta() {
        let a = Matrix<Double>([[1, 2], [3, 4]])
        let b = Matrix<Double>([[5, 6], [7, 8]])
        var c = Matrix<Double>([[1, 1], [1, 1]])
        BLAS.gemm(a, .none, b, .none, into: &c, alpha: 2, beta: 3)
        // 2·[[19, 22], [43, 50]] + 3 = [[41, 47], [89, 103]], by hand.
        #expect(c == Matrix([[41, 47], [89, 103]]))
    }
}
