import Tensors

/// The fast kernels of the layers, on raw NHWC buffers. GEMMs go through `BLAS` (OpenBLAS); the loops are
/// written with the channel index innermost over contiguous memory so that the compiler vectorizes them.
/// Each has a naive counterpart in `LayerStack+Reference.swift` written from the formula.
enum Kernels {
    // MARK: Dense (and every convolution after im2col)

    /// `Y = X·Wᵀ + 1·bᵀ`: `X (rows, inputs)`, `W (outputs, inputs)`, `b (outputs)`, `Y (rows, outputs)`.
    /// Rows pre-filled with the bias, then one GEMM with β = 1.
    static func denseForward<S: BLASScalar>(
        batch rows: Int, inputs: Int, outputs: Int, x: UnsafePointer<S>, weight: UnsafePointer<S>,
        bias: UnsafePointer<S>?, y: UnsafeMutablePointer<S>
    ) {
        if let bias {
            for r in 0..<rows { (y + r * outputs).update(from: bias, count: outputs) }
        }
        BLAS.gemm(
            .none, .transposed, m: rows, n: outputs, k: inputs, alpha: 1, a: x, lda: inputs, b: weight, ldb: inputs,
            beta: bias == nil ? 0 : 1, c: y, ldc: outputs)
    }

    /// The parameter gradients of `denseForward`: `dW = dYᵀ·X (outputs, inputs)`, `db = dYᵀ·1 (outputs)`.
    static func denseWeightGradient<S: BLASScalar>(
        batch rows: Int, inputs: Int, outputs: Int, x: UnsafePointer<S>, dY: UnsafePointer<S>,
        dWeight: UnsafeMutablePointer<S>, dBias: UnsafeMutablePointer<S>?
    ) {
        BLAS.gemm(
            .transposed, .none, m: outputs, n: inputs, k: rows, alpha: 1, a: dY, lda: outputs, b: x, ldb: inputs,
            beta: 0, c: dWeight, ldc: inputs)
        if let dBias { columnSums(rows: rows, columns: outputs, dY, into: dBias) }
    }

    /// The input gradient of `denseForward`: `dX = dY·W (rows, inputs)`.
    static func denseInputGradient<S: BLASScalar>(
        batch rows: Int, inputs: Int, outputs: Int, weight: UnsafePointer<S>, dY: UnsafePointer<S>,
        dX: UnsafeMutablePointer<S>
    ) {
        BLAS.gemm(
            .none, .none, m: rows, n: inputs, k: outputs, alpha: 1, a: dY, lda: outputs, b: weight, ldb: inputs,
            beta: 0, c: dX, ldc: inputs)
    }

    /// `s[j] = Σ_r a[r, j]` over a `(rows, columns)` matrix.
    static func columnSums<S: BLASScalar>(
        rows: Int, columns: Int, _ a: UnsafePointer<S>, into s: UnsafeMutablePointer<S>
    ) {
        s.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = a + r * columns
            for j in 0..<columns { s[j] += row[j] }
        }
    }

    // MARK: im2col and col2im

    /// The im2col matrix `(N·OH·OW, kh·kw·C)`: row `(n, oy, ox)`, column `(ky, kx, c)` holds
    /// `x[n, oy·sh − padTop + ky, ox·sw − padLeft + kx, c]`, or 0 in the padding. Its column order is the
    /// OHWI kernel's, so the convolution is `Y = cols·Wᵀ`. The valid kernel columns of one kernel row read
    /// one contiguous run of the input, copied at once.
    static func im2col<S: BLASScalar>(
        batch: Int, channels c: Int, geometry g: WindowGeometry, x: UnsafePointer<S>, columns: UnsafeMutablePointer<S>
    ) {
        let k = g.kernelHeight * g.kernelWidth * c
        let rowStride = g.kernelWidth * c
        for n in 0..<batch {
            let sample = x + n * g.inputHeight * g.inputWidth * c
            for oy in 0..<g.outputHeight {
                let rows = g.rows(at: oy)
                let top = oy * g.strideHeight - g.padTop
                for ox in 0..<g.outputWidth {
                    let row = columns + ((n * g.outputHeight + oy) * g.outputWidth + ox) * k
                    let cols = g.columns(at: ox)
                    let left = ox * g.strideWidth - g.padLeft
                    if rows.count != g.kernelHeight || cols.count != g.kernelWidth {
                        row.update(repeating: 0, count: k)
                    }
                    for ky in rows {
                        let source = sample + ((top + ky) * g.inputWidth + left + cols.lowerBound) * c
                        (row + ky * rowStride + cols.lowerBound * c).update(from: source, count: cols.count * c)
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: `dx[n, iy, ix, c] = Σ` of the entries of `dColumns` that copied it
    /// (overwrites `dX`).
    static func col2im<S: BLASScalar>(
        batch: Int, channels c: Int, geometry g: WindowGeometry, dColumns: UnsafePointer<S>, dX: UnsafeMutablePointer<S>
    ) {
        let k = g.kernelHeight * g.kernelWidth * c
        let rowStride = g.kernelWidth * c
        dX.update(repeating: 0, count: batch * g.inputHeight * g.inputWidth * c)
        for n in 0..<batch {
            let sample = dX + n * g.inputHeight * g.inputWidth * c
            for oy in 0..<g.outputHeight {
                let rows = g.rows(at: oy)
                let top = oy * g.strideHeight - g.padTop
                for ox in 0..<g.outputWidth {
                    let row = dColumns + ((n * g.outputHeight + oy) * g.outputWidth + ox) * k
                    let cols = g.columns(at: ox)
                    let left = ox * g.strideWidth - g.padLeft
                    let span = cols.count * c
                    for ky in rows {
                        let target = sample + ((top + ky) * g.inputWidth + left + cols.lowerBound) * c
                        let source = row + ky * rowStride + cols.lowerBound * c
                        for i in 0..<span { target[i] += source[i] }
                    }
                }
            }
        }
    }

    // MARK: Depthwise convolution

    /// `y[n, oy, ox, c] = b[c] + Σ_{ky, kx valid} x[n, iy, ix, c]·W[ky, kx, c]`, channels innermost.
    static func depthwiseForward<S: BLASScalar>(
        batch: Int, channels c: Int, geometry g: WindowGeometry, x: UnsafePointer<S>, weight: UnsafePointer<S>,
        bias: UnsafePointer<S>?, y: UnsafeMutablePointer<S>
    ) {
        forEachWindow(batch: batch, channels: c, geometry: g) { output, rows, cols, input, _ in
            let yRow = y + output
            if let bias { yRow.update(from: bias, count: c) } else { yRow.update(repeating: 0, count: c) }
            for ky in rows {
                for kx in cols {
                    let xRow = x + input(ky, kx)
                    let wRow = weight + (ky * g.kernelWidth + kx) * c
                    for i in 0..<c { yRow[i] += xRow[i] * wRow[i] }
                }
            }
        }
    }

    /// The gradients of `depthwiseForward`: `dW[ky, kx, c] = Σ dy·x`, `db[c] = Σ dy`, and, when `dX` is
    /// given, `dx[n, iy, ix, c] = Σ dy·W[ky, kx, c]`. Overwrites all three.
    static func depthwiseBackward<S: BLASScalar>(
        batch: Int, channels c: Int, geometry g: WindowGeometry, x: UnsafePointer<S>, weight: UnsafePointer<S>,
        dY: UnsafePointer<S>, dWeight: UnsafeMutablePointer<S>, dBias: UnsafeMutablePointer<S>?,
        dX: UnsafeMutablePointer<S>?
    ) {
        dWeight.update(repeating: 0, count: g.kernelHeight * g.kernelWidth * c)
        if let dBias {
            columnSums(rows: batch * g.outputHeight * g.outputWidth, columns: c, dY, into: dBias)
        }
        dX?.update(repeating: 0, count: batch * g.inputHeight * g.inputWidth * c)
        forEachWindow(batch: batch, channels: c, geometry: g) { output, rows, cols, input, _ in
            let dyRow = dY + output
            for ky in rows {
                for kx in cols {
                    let offset = input(ky, kx)
                    let xRow = x + offset
                    let tap = (ky * g.kernelWidth + kx) * c
                    let dwRow = dWeight + tap
                    for i in 0..<c { dwRow[i] += dyRow[i] * xRow[i] }
                    if let dX {
                        let dxRow = dX + offset
                        let wRow = weight + tap
                        for i in 0..<c { dxRow[i] += dyRow[i] * wRow[i] }
                    }
                }
            }
        }
    }

    /// Calls `body(outputOffset, validRows, validColumns, inputOffset, sampleOffset)` for every output
    /// position `(n, oy, ox)`, where `inputOffset(ky, kx)` is the offset of `x[n, iy, ix, 0]`, `outputOffset`
    /// that of `y[n, oy, ox, 0]` and `sampleOffset` that of `x[n, 0, 0, 0]`.
    @inline(__always)
    static func forEachWindow(
        batch: Int, channels c: Int, geometry g: WindowGeometry,
        _ body: (Int, Range<Int>, Range<Int>, (Int, Int) -> Int, Int) -> Void
    ) {
        for n in 0..<batch {
            let sample = n * g.inputHeight * g.inputWidth * c
            for oy in 0..<g.outputHeight {
                let rows = g.rows(at: oy)
                let top = oy * g.strideHeight - g.padTop
                for ox in 0..<g.outputWidth {
                    let left = ox * g.strideWidth - g.padLeft
                    let output = ((n * g.outputHeight + oy) * g.outputWidth + ox) * c
                    body(
                        output, rows, g.columns(at: ox),
                        { ky, kx in sample + ((top + ky) * g.inputWidth + left + kx) * c }, sample)
                }
            }
        }
    }
}
