/// Reference kernels written as the textbook formula, with no BLAS and no cleverness.
///
/// They exist so tests can check the fast paths against an independent computation. They accumulate in
/// `Double` regardless of the scalar type, so the reference is at least as accurate as what it checks.
public enum NaiveKernels {
    /// `op(a)·op(b)`, one dot product per output element: `c[i][j] = Σ_p op(a)[i][p]·op(b)[p][j]`.
    public static func matmul<Scalar: BLASScalar>(
        _ a: Matrix<Scalar>, _ transA: BLAS.Transpose = .none, _ b: Matrix<Scalar>,
        _ transB: BLAS.Transpose = .none
    ) -> Matrix<Scalar> {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(k == kb, "matmul: op(a) is (\(m), \(k)), op(b) is (\(kb), \(n))")
        func elementA(_ i: Int, _ p: Int) -> Double { Double(transA == .none ? a[i, p] : a[p, i]) }
        func elementB(_ p: Int, _ j: Int) -> Double { Double(transB == .none ? b[p, j] : b[j, p]) }
        var c = Matrix<Scalar>(rows: m, columns: n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += elementA(i, p) * elementB(p, j) }
                c[i, j] = Scalar(sum)
            }
        }
        return c
    }
}
