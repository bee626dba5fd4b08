/// Matrix products through OpenBLAS, on `Matrix` values or on raw row-major pointers.
///
/// Misuse (shapes that do not fit) is a precondition failure before any C call, with both shapes in the
/// message. OpenBLAS's own thread count is taken from `OPENBLAS_NUM_THREADS`; Partita's launcher sets it
/// to 1 per MPI rank.
public enum BLAS {
    /// Whether an operand is used as stored or transposed. The corresponding CBLAS constants are
    /// `CblasNoTrans` and `CblasTrans`.
    public enum Transpose: Sendable {
        case none
        case transposed
    }

    /// `c ← α·op(a)·op(b) + β·c`.
    ///
    /// - Parameters:
    ///   - a: `(m, k)` after `transA`.
    ///   - b: `(k, n)` after `transB`.
    ///   - c: `(m, n)`; only read when `beta != 0`.
    public static func gemm<Scalar: BLASScalar>(
        _ a: Matrix<Scalar>, _ transA: Transpose = .none, _ b: Matrix<Scalar>, _ transB: Transpose = .none,
        into c: inout Matrix<Scalar>, alpha: Scalar = 1, beta: Scalar = 0
    ) {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(
            k == kb && c.rows == m && c.columns == n,
            "gemm: op(a) is (\(m), \(k)), op(b) is (\(kb), \(n)), c is \(c.shapeDescription)")
        let cColumns = c.columns
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    gemm(
                        transA, transB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: a.columns,
                        b: pb.baseAddress!, ldb: b.columns, beta: beta, c: pc.baseAddress!, ldc: cColumns)
                }
            }
        }
    }

    /// `op(a)·op(b)` as a new matrix.
    public static func matmul<Scalar: BLASScalar>(
        _ a: Matrix<Scalar>, _ transA: Transpose = .none, _ b: Matrix<Scalar>, _ transB: Transpose = .none
    ) -> Matrix<Scalar> {
        let m = transA == .none ? a.rows : a.columns
        let n = transB == .none ? b.columns : b.rows
        var c = Matrix<Scalar>(rows: m, columns: n)
        gemm(a, transA, b, transB, into: &c)
        return c
    }

    /// The pointer form of `gemm`, for operands that live inside larger buffers (a layer's weights
    /// inside the flat parameter buffer). Leading dimensions are row strides in elements.
    @inline(__always)
    public static func gemm<Scalar: BLASScalar>(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Scalar,
        a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        if k == 0 {
            // BLAS leaves C untouched when k == 0 only if beta == 1; make the empty product explicit.
            for r in 0..<m {
                for col in 0..<n { c[r * ldc + col] = beta == 0 ? 0 : beta * c[r * ldc + col] }
            }
            return
        }
        Scalar.blasGEMM(
            transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c,
            ldc: ldc)
    }

    /// `y ← α·op(a)·x + β·y` with `a` of shape `(m, n)` stored at `a` with row stride `n`.
    @inline(__always)
    public static func gemv<Scalar: BLASScalar>(
        _ transA: Transpose, m: Int, n: Int, alpha: Scalar, a: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>,
        beta: Scalar, y: UnsafeMutablePointer<Scalar>
    ) {
        guard m > 0 && n > 0 else { return }
        Scalar.blasGEMV(transA, m: m, n: n, alpha: alpha, a: a, lda: n, x: x, beta: beta, y: y)
    }
}
