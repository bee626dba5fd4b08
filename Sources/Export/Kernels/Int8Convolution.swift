/// int8 convolutions exactly as TFLite Micro's reference kernels compute them
/// (`reference/integer_ops/conv.h` `ConvPerChannel`, `depthwise_conv.h` `DepthwiseConvPerChannel`;
/// dilation 1, no groups). Window positions outside the input are skipped, so padding contributes a real 0
/// (not the zero point).
public enum Int8Convolution {
    /// CONV_2D: `input (N, H, W, I)`, `filter (O, KH, KW, I)` (OHWI), `bias (O)` int32 → `(N, OH, OW, O)`.
    ///
    ///     acc[n, oy, ox, o] = Σ_{ky, kx, i: inside} w[o, ky, kx, i]·(x[n, iy, ix, i] + inputOffset) + bias[o]
    ///     iy = oy·strideH − padTop + ky,  ix = ox·strideW − padLeft + kx
    ///
    /// then `ConvQuantization.finish` per output channel.
    public static func conv2D(
        input: [Int8], shape: NHWCShape, filter: [Int8], outputChannels: Int, bias: [Int32]?,
        geometry: WindowGeometry, quantization: ConvQuantization
    ) -> (output: [Int8], shape: NHWCShape) {
        let inputChannels = shape.channels
        precondition(input.count == shape.count, "conv2D: \(input.count) input values for \(shape)")
        precondition(
            filter.count == outputChannels * geometry.filterHeight * geometry.filterWidth * inputChannels,
            "conv2D: \(filter.count) filter values for [\(outputChannels), \(geometry.filterHeight), "
                + "\(geometry.filterWidth), \(inputChannels)]")
        precondition(bias == nil || bias!.count == outputChannels, "conv2D: bias for \(outputChannels) channels")
        precondition(quantization.multipliers.count == outputChannels, "conv2D: a multiplier per output channel")
        let out = geometry.outputShape(shape, channels: outputChannels)
        let padTop = geometry.padTop(shape.height)
        let padLeft = geometry.padLeft(shape.width)
        var output = [Int8](repeating: 0, count: out.count)
        for n in 0..<shape.batch {
            for oy in 0..<out.height {
                let originY = oy * geometry.strideHeight - padTop
                for ox in 0..<out.width {
                    let originX = ox * geometry.strideWidth - padLeft
                    for o in 0..<outputChannels {
                        var acc: Int32 = 0
                        for ky in 0..<geometry.filterHeight {
                            let iy = originY + ky
                            for kx in 0..<geometry.filterWidth {
                                let ix = originX + kx
                                guard iy >= 0 && iy < shape.height && ix >= 0 && ix < shape.width else { continue }
                                let inputBase = shape.offset(n, iy, ix, 0)
                                let filterBase =
                                    ((o * geometry.filterHeight + ky) * geometry.filterWidth + kx) * inputChannels
                                for i in 0..<inputChannels {
                                    acc =
                                        acc
                                        &+ Int32(filter[filterBase + i])
                                        &* (Int32(input[inputBase + i]) &+ quantization.inputOffset)
                                }
                            }
                        }
                        if let bias { acc = acc &+ bias[o] }
                        output[out.offset(n, oy, ox, o)] = quantization.finish(acc, channel: o)
                    }
                }
            }
        }
        return (output, out)
    }

    /// DEPTHWISE_CONV_2D: `input (N, H, W, C)`, `filter (1, KH, KW, C·M)`, `bias (C·M)` → `(N, OH, OW, C·M)`;
    /// output channel `c·M + m` reads only input channel `c`:
    ///
    ///     acc[n, oy, ox, c·M + m] = Σ_{ky, kx: inside} w[0, ky, kx, c·M + m]·(x[n, iy, ix, c] + inputOffset)
    ///                               + bias[c·M + m]
    public static func depthwiseConv2D(
        input: [Int8], shape: NHWCShape, filter: [Int8], depthMultiplier: Int, bias: [Int32]?,
        geometry: WindowGeometry, quantization: ConvQuantization
    ) -> (output: [Int8], shape: NHWCShape) {
        let outputChannels = shape.channels * depthMultiplier
        precondition(input.count == shape.count, "depthwiseConv2D: \(input.count) input values for \(shape)")
        precondition(
            filter.count == geometry.filterHeight * geometry.filterWidth * outputChannels,
            "depthwiseConv2D: \(filter.count) filter values for [1, \(geometry.filterHeight), "
                + "\(geometry.filterWidth), \(outputChannels)]")
        precondition(bias == nil || bias!.count == outputChannels, "depthwiseConv2D: bias for \(outputChannels)")
        precondition(quantization.multipliers.count == outputChannels, "depthwiseConv2D: a multiplier per channel")
        let out = geometry.outputShape(shape, channels: outputChannels)
        let padTop = geometry.padTop(shape.height)
        let padLeft = geometry.padLeft(shape.width)
        var output = [Int8](repeating: 0, count: out.count)
        for n in 0..<shape.batch {
            for oy in 0..<out.height {
                let originY = oy * geometry.strideHeight - padTop
                for ox in 0..<out.width {
                    let originX = ox * geometry.strideWidth - padLeft
                    for c in 0..<shape.channels {
                        for m in 0..<depthMultiplier {
                            let o = c * depthMultiplier + m
                            var acc: Int32 = 0
                            for ky in 0..<geometry.filterHeight {
                                let iy = originY + ky
                                for kx in 0..<geometry.filterWidth {
                                    let ix = originX + kx
                                    guard iy >= 0 && iy < shape.height && ix >= 0 && ix < shape.width else {
                                        continue
                                    }
                                    let w = Int32(filter[(ky * geometry.filterWidth + kx) * outputChannels + o])
                                    acc =
                                        acc &+ w
                                        &* (Int32(input[shape.offset(n, iy, ix, c)]) &+ quantization.inputOffset)
                                }
                            }
                            if let bias { acc = acc &+ bias[o] }
                            output[out.offset(n, oy, ox, o)] = quantization.finish(acc, channel: o)
                        }
                    }
                }
            }
        }
        return (output, out)
    }
}
