// CBLAS: the C interface of OpenBLAS, plus the few LAPACK routines Partita calls.
// This header only exposes; no logic lives here. Only the `Tensors` module imports it.
#ifndef PARTITA_CBLAS_SHIM_H
#define PARTITA_CBLAS_SHIM_H

#include <cblas.h>

// Debian's OpenBLAS is built without LAPACKE, so the Fortran LAPACK symbols it exports are declared
// here by hand: every argument is passed by pointer, and character arguments carry a hidden length.

/// Symmetric eigendecomposition, divide and conquer (LAPACK `dsyevd`).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             unsigned long jobz_len, unsigned long uplo_len);

/// Solves A·X = B for symmetric positive-definite A by Cholesky (LAPACK `dposv`).
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b,
            const int *ldb, int *info, unsigned long uplo_len);

/// Solves A·X = B for a general square A by LU with partial pivoting (LAPACK `dgesv`).
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b,
            const int *ldb, int *info);

#endif
