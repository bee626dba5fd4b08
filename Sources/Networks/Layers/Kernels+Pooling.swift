import Tensors

extension Kernels {
    // MARK: Max pool

    /// `y[n, oy, ox, c] = max over the valid window of x[n, iy, ix, c]`; `argmax` records, per output, the
    /// offset within the sample of the first maximum (scan order ky, kx), which backward routes to.
    static func maxPoolForward<S: BLASScalar>(
        batch: Int, channels c: Int, geometry g: WindowGeometry, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>,
        argmax: UnsafeMutablePointer<Int32>
    ) {
        forEachWindow(batch: batch, channels: c, geometry: g) { output, rows, cols, input, sample in
            let yRow = y + output
            let argRow = argmax + output
            yRow.update(repeating: -S.infinity, count: c)
            argRow.update(repeating: 0, count: c)
            for ky in rows {
                for kx in cols {
                    let offset = input(ky, kx)
                    let xRow = x + offset
                    let local = Int32(offset - sample)
                    for i in 0..<c {
                        let v = xRow[i]
                        let better = v > yRow[i]
                        yRow[i] = better ? v : yRow[i]
                        argRow[i] = better ? local + Int32(i) : argRow[i]
                    }
                }
            }
        }
    }

    /// `dx[n, argmax] += dy[n, oy, ox, c]` (overwrites `dX`).
    static func maxPoolBackward<S: BLASScalar>(
        batch: Int, inputCount: Int, outputCount: Int, argmax: UnsafePointer<Int32>, dY: UnsafePointer<S>,
        dX: UnsafeMutablePointer<S>
    ) {
        dX.update(repeating: 0, count: batch * inputCount)
        for n in 0..<batch {
            let dxSample = dX + n * inputCount
            let base = n * outputCount
            for j in 0..<outputCount { dxSample[Int(argmax[base + j])] += dY[base + j] }
        }
    }

    // MARK: Average pool

    /// `y[n, oy, ox, c] = (1/m) Σ x[n, iy, ix, c]` over the m valid positions of the window.
    static func averagePoolForward<S: BLASScalar>(
        batch: Int, channels c: Int, geometry g: WindowGeometry, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>
    ) {
        forEachWindow(batch: batch, channels: c, geometry: g) { output, rows, cols, input, _ in
            let yRow = y + output
            yRow.update(repeating: 0, count: c)
            for ky in rows {
                for kx in cols {
                    let xRow = x + input(ky, kx)
                    for i in 0..<c { yRow[i] += xRow[i] }
                }
            }
            let scale = 1 / S(rows.count * cols.count)
            for i in 0..<c { yRow[i] *= scale }
        }
    }

    /// `dx[n, iy, ix, c] += dy[n, oy, ox, c]/m` over every window holding `(iy, ix)` (overwrites `dX`).
    static func averagePoolBackward<S: BLASScalar>(
        batch: Int, channels c: Int, geometry g: WindowGeometry, dY: UnsafePointer<S>, dX: UnsafeMutablePointer<S>
    ) {
        dX.update(repeating: 0, count: batch * g.inputHeight * g.inputWidth * c)
        forEachWindow(batch: batch, channels: c, geometry: g) { output, rows, cols, input, _ in
            let dyRow = dY + output
            let scale = 1 / S(rows.count * cols.count)
            for ky in rows {
                for kx in cols {
                    let dxRow = dX + input(ky, kx)
                    for i in 0..<c { dxRow[i] += dyRow[i] * scale }
                }
            }
        }
    }

    // MARK: Global average pool

    /// `y[n, c] = (1/P) Σ_p x[n, p, c]` over the P = H·W positions.
    static func globalAveragePoolForward<S: BLASScalar>(
        batch: Int, positions: Int, channels c: Int, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>
    ) {
        let scale = 1 / S(positions)
        for n in 0..<batch {
            columnSums(rows: positions, columns: c, x + n * positions * c, into: y + n * c)
            for i in 0..<c { y[n * c + i] *= scale }
        }
    }

    /// `dx[n, p, c] = dy[n, c]/P`.
    static func globalAveragePoolBackward<S: BLASScalar>(
        batch: Int, positions: Int, channels c: Int, dY: UnsafePointer<S>, dX: UnsafeMutablePointer<S>
    ) {
        let scale = 1 / S(positions)
        for n in 0..<batch {
            for p in 0..<positions {
                let dxRow = dX + (n * positions + p) * c
                let dyRow = dY + n * c
                for i in 0..<c { dxRow[i] = dyRow[i] * scale }
            }
        }
    }
}
