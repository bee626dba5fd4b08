internal import CBLAS

/// Small dense linear algebra in Double through OpenBLAS's LAPACK: the S×S systems of the grouped Newton
/// method and the N×N Gram systems of Gauss-Newton. Matrices are row-major `[Double]` of `n·n` entries;
/// being symmetric where it matters, row- and column-major coincide.
public enum LAPACK {
    /// Why a factorization failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The matrix is singular (or, for Cholesky, not positive definite) at the given pivot.
        case singular(pivot: Int)
        case didNotConverge(Int32)
        case invalidArgument(Int32)

        public var description: String {
            switch self {
            case .singular(let pivot): "singular matrix (pivot \(pivot))"
            case .didNotConverge(let info): "the eigenvalue algorithm did not converge (info \(info))"
            case .invalidArgument(let info): "invalid argument \(-info) to LAPACK"
            }
        }
    }

    /// Eigenvalues (ascending) and, if asked, orthonormal eigenvectors of the symmetric `n×n` matrix `a`
    /// (LAPACK `dsyevd`, divide and conquer). `vectors[k·n + i]` is component i of eigenvector k.
    public static func symmetricEigen(
        _ a: [Double], n: Int, vectors wantVectors: Bool = false
    ) throws(Failure) -> (values: [Double], vectors: [Double]) {
        precondition(a.count == n * n, "symmetricEigen: \(a.count) entries for n = \(n)")
        guard n > 0 else { return ([], []) }
        var matrix = a
        var values = [Double](repeating: 0, count: n)
        var jobz = CChar(UInt8(ascii: wantVectors ? "V" : "N"))
        var uplo = CChar(UInt8(ascii: "U"))
        var size = Int32(n)
        var lda = Int32(n)
        var info: Int32 = 0
        // Workspace query, then the computation.
        var workSize = 0.0
        var iworkSize: Int32 = 0
        var query: Int32 = -1
        dsyevd_(&jobz, &uplo, &size, &matrix, &lda, &values, &workSize, &query, &iworkSize, &query, &info, 1, 1)
        var lwork = Int32(workSize)
        var liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &size, &matrix, &lda, &values, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        if info < 0 { throw .invalidArgument(info) }
        if info > 0 { throw .didNotConverge(info) }
        // LAPACK is column-major: column k of the result (eigenvector k) is row k of our row-major view.
        return (values, wantVectors ? matrix : [])
    }

    /// Solves `a·x = b` for a general `n×n` matrix `a` (LAPACK `dgesv`, LU with partial pivoting).
    public static func solve(_ a: [Double], n: Int, _ b: [Double]) throws(Failure) -> [Double] {
        precondition(a.count == n * n && b.count == n, "solve: \(a.count) and \(b.count) entries for n = \(n)")
        guard n > 0 else { return [] }
        // dgesv works on column-major storage: pass aᵀ (the transpose of row-major a).
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { matrix[j * n + i] = a[i * n + j] } }
        var x = b
        var size = Int32(n)
        var one: Int32 = 1
        var lda = Int32(n)
        var ldb = Int32(n)
        var pivots = [Int32](repeating: 0, count: n)
        var info: Int32 = 0
        dgesv_(&size, &one, &matrix, &lda, &pivots, &x, &ldb, &info)
        if info < 0 { throw .invalidArgument(info) }
        if info > 0 { throw .singular(pivot: Int(info)) }
        return x
    }
}
