internal import CBLAS
public import RealModule

/// A floating-point type that OpenBLAS can compute with: `Float` (the `s` routines) or `Double` (`d`).
///
/// Each requirement is one BLAS routine; the two conformances below go straight down to C. Pointers are
/// to row-major storage (`CblasRowMajor`) and must stay valid for the duration of the call.
public protocol BLASScalar: BinaryFloatingPoint, Real, Sendable, Codable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// `C ← α·op(A)·op(B) + β·C` with `op(A)` of shape `(m, k)`, `op(B)` of shape `(k, n)`, `C` of shape
    /// `(m, n)`. The corresponding routines are `cblas_sgemm` and `cblas_dgemm`.
    static func blasGEMM(
        _ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
        c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `y ← α·op(A)·x + β·y` with `A` of shape `(m, n)`. The routines are `cblas_sgemv`, `cblas_dgemv`.
    static func blasGEMV(
        _ transA: BLAS.Transpose, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)

    /// A short name for messages and file formats: `"float32"` or `"float64"`.
    static var dtypeName: String { get }
}

extension BLAS.Transpose {
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Float: BLASScalar {
    public static func blasGEMM(
        _ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }

    public static func blasGEMV(
        _ transA: BLAS.Transpose, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, transA.cblas, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    public static var dtypeName: String { "float32" }
}

extension Double: BLASScalar {
    public static func blasGEMM(
        _ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }

    public static func blasGEMV(
        _ transA: BLAS.Transpose, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(CblasRowMajor, transA.cblas, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    public static var dtypeName: String { "float64" }
}
