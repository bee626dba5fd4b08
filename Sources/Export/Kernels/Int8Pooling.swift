/// int8 pooling, reduction and reshaping exactly as TFLite Micro's reference kernels compute them
/// (`reference/integer_ops/pooling.h`, `reference/reduce.h`, `micro/kernels/reduce_common.cc`). Pooling
/// keeps the input's scale and zero point (TFLite requires the output to share them).
public enum Int8Pooling {
    /// MAX_POOL_2D: `(N, H, W, C)` → `(N, OH, OW, C)`, the largest value of the window's positions inside
    /// the input (padding is skipped), then the fused activation's clamp.
    public static func maxPool2D(
        input: [Int8], shape: NHWCShape, geometry: WindowGeometry, clamp: ClosedRange<Int32> = -128...127
    ) -> (output: [Int8], shape: NHWCShape) {
        pool(input: input, shape: shape, geometry: geometry) { window in
            var value: Int32 = -128
            for q in window { value = max(value, Int32(q)) }
            return Int8(min(max(value, clamp.lowerBound), clamp.upperBound))
        }
    }

    /// AVERAGE_POOL_2D: the sum `acc` of the window's positions inside the input and their count `k`, then
    /// TFLite Micro's rounding, to nearest with ties away from zero in integers:
    ///
    ///     avg = acc > 0 ? (acc + k/2) / k : (acc − k/2) / k        (C division, truncating)
    ///
    /// then the fused activation's clamp.
    public static func averagePool2D(
        input: [Int8], shape: NHWCShape, geometry: WindowGeometry, clamp: ClosedRange<Int32> = -128...127
    ) -> (output: [Int8], shape: NHWCShape) {
        pool(input: input, shape: shape, geometry: geometry) { window in
            var acc: Int32 = 0
            for q in window { acc += Int32(q) }
            let count = Int32(window.count)
            let average = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count
            return Int8(min(max(average, clamp.lowerBound), clamp.upperBound))
        }
    }

    /// Applies `reduce` to the values of each window (positions inside the input only, in row-major order).
    static func pool(
        input: [Int8], shape: NHWCShape, geometry: WindowGeometry, reduce: ([Int8]) -> Int8
    ) -> (output: [Int8], shape: NHWCShape) {
        precondition(input.count == shape.count, "pool: \(input.count) input values for \(shape)")
        let out = geometry.outputShape(shape, channels: shape.channels)
        let padTop = geometry.padTop(shape.height)
        let padLeft = geometry.padLeft(shape.width)
        var output = [Int8](repeating: 0, count: out.count)
        var window = [Int8]()
        window.reserveCapacity(geometry.filterHeight * geometry.filterWidth)
        for n in 0..<shape.batch {
            for oy in 0..<out.height {
                let originY = oy * geometry.strideHeight - padTop
                let startY = max(0, -originY)
                let endY = min(geometry.filterHeight, shape.height - originY)
                for ox in 0..<out.width {
                    let originX = ox * geometry.strideWidth - padLeft
                    let startX = max(0, -originX)
                    let endX = min(geometry.filterWidth, shape.width - originX)
                    for c in 0..<shape.channels {
                        window.removeAll(keepingCapacity: true)
                        for ky in startY..<endY {
                            for kx in startX..<endX {
                                window.append(input[shape.offset(n, originY + ky, originX + kx, c)])
                            }
                        }
                        precondition(!window.isEmpty, "pool: an output position whose window misses the input")
                        output[out.offset(n, oy, ox, c)] = reduce(window)
                    }
                }
            }
        }
        return (output, out)
    }

    /// MEAN over H and W (`axis = [1, 2]`): `(N, H, W, C)` → `(N, 1, 1, C)` (or `(N, C)` without keep_dims,
    /// the same bytes), as TFLite Micro's `QuantizedMeanOrSum` computes it in integers, for any input and
    /// output parameters. With `n = H·W` and `(M, shift)` = `QuantizeMultiplier(s_in / s_out)`:
    ///
    ///     k      = min(⌊log₂ n⌋, 32, 31 + shift)
    ///     M'     = (M·2^k) / n                  (int64, truncating)
    ///     shift' = shift − k
    ///     y      = clamp(MultiplyByQuantizedMultiplier(Σq − z_in·n, M', shift') + z_out, −128, 127)
    public static func meanHW(
        input: [Int8], shape: NHWCShape, input inputParameters: QuantizationParameters,
        output outputParameters: QuantizationParameters
    ) -> [Int8] {
        precondition(input.count == shape.count, "meanHW: \(input.count) input values for \(shape)")
        let count = shape.height * shape.width
        let multiplier = meanMultiplier(input: inputParameters, output: outputParameters, count: count)
        var output = [Int8](repeating: 0, count: shape.batch * shape.channels)
        for n in 0..<shape.batch {
            for c in 0..<shape.channels {
                var sum: Int32 = 0
                for y in 0..<shape.height {
                    for x in 0..<shape.width { sum += Int32(input[shape.offset(n, y, x, c)]) }
                }
                let shifted = Int32(truncatingIfNeeded: Int64(sum) - Int64(inputParameters.zeroPoint) * Int64(count))
                let value = FixedPoint.multiplyByQuantizedMultiplier(shifted, multiplier) &+ outputParameters.zeroPoint
                output[n * shape.channels + c] = Int8(min(max(value, -128), 127))
            }
        }
        return output
    }

    /// The multiplier of `meanHW`, `1/n` folded in: `(M', shift')` above.
    public static func meanMultiplier(
        input: QuantizationParameters, output: QuantizationParameters, count: Int
    ) -> QuantizedMultiplier {
        precondition(count > 0, "meanMultiplier: no elements to average")
        let base = QuantizedMultiplier(Double(input.scale) / Double(output.scale))
        var k = Int32(63 - UInt64(count).leadingZeroBitCount)
        k = min(k, 32)
        k = min(k, 31 + base.shift)
        let folded = Int32(truncatingIfNeeded: (Int64(base.multiplier) << Int64(k)) / Int64(count))
        return QuantizedMultiplier(multiplier: folded, shift: base.shift - k)
    }

    /// RESHAPE: the same bytes under a new shape with as many elements (TFLite requires the output to share
    /// the input's quantization).
    public static func reshape(_ input: [Int8], to dimensions: [Int]) -> [Int8] {
        precondition(
            dimensions.allSatisfy { $0 > 0 } && dimensions.reduce(1, *) == input.count,
            "reshape: \(input.count) values into \(dimensions)")
        return input
    }
}
