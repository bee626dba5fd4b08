import Export
import Tensors
import Testing

/// The int8 CNN kernels against straightforward references written here another way: the input is
/// explicitly zero-padded in the real domain (`x − z_in`, 0 outside), every output is a dot product of a
/// gathered patch (im2col) in Int64, depthwise convolution is a full convolution with a block-diagonal
/// filter, pooling windows are scanned over a padded copy with a sentinel, averages and means are rounded
/// with Double arithmetic. Output sizes come from TensorFlow's documented `⌈in/s⌉` and `⌈(in − k + 1)/s⌉`.
/// The requantization reuses `FixedPoint.multiplyByQuantizedMultiplier`, tested on published vectors in
/// `FixedPointTests`. Random cases (seeded) cover strides larger than the window, windows larger than the
/// input under SAME, zero points at ±128/127 and saturating multipliers.
@Suite struct Int8KernelTests {
    // MARK: The reference

    /// TensorFlow's documented output size and leading padding.
    static func documentedGeometry(_ input: Int, _ k: Int, _ s: Int, _ padding: KernelPadding) -> (out: Int, pad: Int) {
        switch padding {
        case .valid: return (Int((Double(input - k + 1) / Double(s)).rounded(.up)), 0)
        case .same:
            let out = Int((Double(input) / Double(s)).rounded(.up))
            let total = max((out - 1) * s + k - input, 0)
            return (out, total / 2)
        }
    }

    /// Reference CONV_2D through an explicitly padded, centred input and im2col patches.
    static func referenceConv(
        _ x: [Int8], _ shape: NHWCShape, _ w: [Int8], outputs: Int, _ bias: [Int32], _ g: WindowGeometry,
        _ q: ConvQuantization
    ) -> [Int8] {
        let (oh, padTop) = documentedGeometry(shape.height, g.filterHeight, g.strideHeight, g.padding)
        let (ow, padLeft) = documentedGeometry(shape.width, g.filterWidth, g.strideWidth, g.padding)
        let ph = max((oh - 1) * g.strideHeight + g.filterHeight, shape.height + padTop)
        let pw = max((ow - 1) * g.strideWidth + g.filterWidth, shape.width + padLeft)
        var result = [Int8]()
        for n in 0..<shape.batch {
            // padded[py][px][c] = x − z_in inside, 0 in the padding.
            var padded = [[[Int64]]](
                repeating: [[Int64]](repeating: [Int64](repeating: 0, count: shape.channels), count: pw), count: ph)
            for y in 0..<shape.height {
                for xx in 0..<shape.width {
                    for c in 0..<shape.channels {
                        padded[y + padTop][xx + padLeft][c] =
                            Int64(x[shape.offset(n, y, xx, c)]) + Int64(q.inputOffset)
                    }
                }
            }
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var patch = [Int64]()
                    for ky in 0..<g.filterHeight {
                        for kx in 0..<g.filterWidth {
                            patch += padded[oy * g.strideHeight + ky][ox * g.strideWidth + kx]
                        }
                    }
                    for o in 0..<outputs {
                        let row = w[(o * patch.count)..<((o + 1) * patch.count)]
                        let dot = zip(row, patch).reduce(Int64(bias[o])) { $0 + Int64($1.0) * $1.1 }
                        let acc = Int32(exactly: dot)!
                        let scaled = Int64(FixedPoint.multiplyByQuantizedMultiplier(acc, q.multipliers[o]))
                        let clamped = min(
                            max(scaled + Int64(q.outputOffset), Int64(q.clamp.lowerBound)), Int64(q.clamp.upperBound))
                        result.append(Int8(clamped))
                    }
                }
            }
        }
        return result
    }

    /// Reference DEPTHWISE_CONV_2D: a full convolution whose filter is zero off the input channel.
    static func referenceDepthwise(
        _ x: [Int8], _ shape: NHWCShape, _ w: [Int8], multiplier m: Int, _ bias: [Int32], _ g: WindowGeometry,
        _ q: ConvQuantization
    ) -> [Int8] {
        let outputs = shape.channels * m
        var full = [Int8](repeating: 0, count: outputs * g.filterHeight * g.filterWidth * shape.channels)
        for o in 0..<outputs {
            for ky in 0..<g.filterHeight {
                for kx in 0..<g.filterWidth {
                    let i = o / m
                    full[((o * g.filterHeight + ky) * g.filterWidth + kx) * shape.channels + i] =
                        w[(ky * g.filterWidth + kx) * outputs + o]
                }
            }
        }
        return referenceConv(x, shape, full, outputs: outputs, bias, g, q)
    }

    /// Reference pooling over a padded copy in which padding is `nil`.
    static func referencePool(
        _ x: [Int8], _ shape: NHWCShape, _ g: WindowGeometry, _ reduce: ([Int]) -> Int
    ) -> [Int8] {
        let (oh, padTop) = documentedGeometry(shape.height, g.filterHeight, g.strideHeight, g.padding)
        let (ow, padLeft) = documentedGeometry(shape.width, g.filterWidth, g.strideWidth, g.padding)
        var result = [Int8]()
        for n in 0..<shape.batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for c in 0..<shape.channels {
                        var values = [Int]()
                        for ky in 0..<g.filterHeight {
                            for kx in 0..<g.filterWidth {
                                let y = oy * g.strideHeight + ky - padTop
                                let xx = ox * g.strideWidth + kx - padLeft
                                let value: Int? =
                                    (0..<shape.height).contains(y) && (0..<shape.width).contains(xx)
                                    ? Int(x[shape.offset(n, y, xx, c)]) : nil
                                if let value { values.append(value) }
                            }
                        }
                        result.append(Int8(reduce(values)))
                    }
                }
            }
        }
        return result
    }

    // MARK: Random cases

    struct Case: CustomStringConvertible, Sendable {
        let seed: UInt64
        var description: String { "seed \(seed)" }
    }

    /// Random shapes, geometry and quantization from a seed.
    struct RandomCase {
        var stream: RandomStream
        let shape: NHWCShape
        let geometry: WindowGeometry
        let inputZeroPoint: Int32
        let outputZeroPoint: Int32

        init(seed: UInt64) {
            stream = RandomStream(seed: seed, key: .testing.with(index: 40))
            shape = NHWCShape(
                batch: 1 + stream.integer(below: 2), height: 1 + stream.integer(below: 9),
                width: 1 + stream.integer(below: 9), channels: 1 + stream.integer(below: 5))
            let padding: KernelPadding = stream.integer(below: 2) == 0 ? .same : .valid
            var kh = 1 + stream.integer(below: 4)
            var kw = 1 + stream.integer(below: 4)
            if padding == .valid {
                kh = min(kh, shape.height)
                kw = min(kw, shape.width)
            }
            geometry = WindowGeometry(
                strideHeight: 1 + stream.integer(below: 3), strideWidth: 1 + stream.integer(below: 3),
                filterHeight: kh, filterWidth: kw, padding: padding)
            let extremes: [Int32] = [-128, 127, 0]
            inputZeroPoint = seed % 5 == 0 ? extremes[Int(seed / 5) % 3] : Int32(stream.integer(below: 256)) - 128
            outputZeroPoint = Int32(stream.integer(below: 256)) - 128
        }

        mutating func int8(_ count: Int, symmetric: Bool = false) -> [Int8] {
            (0..<count).map { _ in
                Int8(
                    truncatingIfNeeded: symmetric ? stream.integer(below: 255) - 127 : stream.integer(below: 256) - 128)
            }
        }

        mutating func quantization(channels: Int, saturate: Bool) -> ConvQuantization {
            let multipliers = (0..<channels).map { _ in
                QuantizedMultiplier(
                    multiplier: Int32(1 << 30) + Int32(stream.integer(below: 1 << 30)),
                    shift: Int32(saturate ? stream.integer(below: 3) - 2 : -stream.integer(below: 12) - 4))
            }
            let kinds: [FusedActivationRange.Kind] = [.none, .relu, .relu6]
            let clamp = FusedActivationRange.clamp(
                kinds[stream.integer(below: 3)], output: QuantizationParameters(scale: 0.05, zeroPoint: outputZeroPoint)
            )
            return ConvQuantization(
                inputOffset: -inputZeroPoint, outputOffset: outputZeroPoint, multipliers: multipliers, clamp: clamp)
        }
    }

    @Test(arguments: (1...60).map { Case(seed: $0) })
    func conv2DEqualsTheReference(_ testCase: Case) {
        var r = RandomCase(seed: testCase.seed)
        let outputs = 1 + r.stream.integer(below: 4)
        let x = r.int8(r.shape.count)
        let w = r.int8(outputs * r.geometry.filterHeight * r.geometry.filterWidth * r.shape.channels, symmetric: true)
        let bias = (0..<outputs).map { _ in Int32(r.stream.integer(below: 20001)) - 10000 }
        let q = r.quantization(channels: outputs, saturate: testCase.seed % 4 == 0)
        let (y, shape) = Int8Convolution.conv2D(
            input: x, shape: r.shape, filter: w, outputChannels: outputs, bias: bias, geometry: r.geometry,
            quantization: q)
        #expect(shape.count == y.count)
        #expect(
            y == Self.referenceConv(x, r.shape, w, outputs: outputs, bias, r.geometry, q), "\(r.shape) \(r.geometry)")
    }

    @Test(arguments: (1...60).map { Case(seed: $0) })
    func depthwiseConv2DEqualsTheReference(_ testCase: Case) {
        var r = RandomCase(seed: testCase.seed)
        let m = 1 + r.stream.integer(below: 3)
        let outputs = r.shape.channels * m
        let x = r.int8(r.shape.count)
        let w = r.int8(r.geometry.filterHeight * r.geometry.filterWidth * outputs, symmetric: true)
        let bias = (0..<outputs).map { _ in Int32(r.stream.integer(below: 20001)) - 10000 }
        let q = r.quantization(channels: outputs, saturate: testCase.seed % 4 == 0)
        let (y, _) = Int8Convolution.depthwiseConv2D(
            input: x, shape: r.shape, filter: w, depthMultiplier: m, bias: bias, geometry: r.geometry, quantization: q)
        #expect(y == Self.referenceDepthwise(x, r.shape, w, multiplier: m, bias, r.geometry, q), "\(r.shape)")
    }

    @Test(arguments: (1...60).map { Case(seed: $0) })
    func poolingEqualsTheReference(_ testCase: Case) {
        var r = RandomCase(seed: testCase.seed)
        let x = r.int8(r.shape.count)
        let clamp = FusedActivationRange.clamp(
            testCase.seed % 2 == 0 ? .relu : .none,
            output: QuantizationParameters(scale: 0.1, zeroPoint: r.outputZeroPoint))
        let (maxPooled, _) = Int8Pooling.maxPool2D(input: x, shape: r.shape, geometry: r.geometry, clamp: clamp)
        #expect(
            maxPooled
                == Self.referencePool(x, r.shape, r.geometry) {
                    min(max($0.max()!, Int(clamp.lowerBound)), Int(clamp.upperBound))
                })
        let (averaged, _) = Int8Pooling.averagePool2D(input: x, shape: r.shape, geometry: r.geometry, clamp: clamp)
        #expect(
            averaged
                == Self.referencePool(x, r.shape, r.geometry) { values in
                    let mean = (Double(values.reduce(0, +)) / Double(values.count)).rounded(.toNearestOrAwayFromZero)
                    return min(max(Int(mean), Int(clamp.lowerBound)), Int(clamp.upperBound))
                })
    }

    /// Ties of the average round away from zero; a window that hangs over the edge averages only the
    /// positions inside.
    @Test func averagePoolRoundsTiesAwayFromZeroAndSkipsPadding() {
        let shape = NHWCShape(height: 1, width: 4, channels: 1)
        let pairs = WindowGeometry(strideHeight: 1, strideWidth: 2, filterHeight: 1, filterWidth: 2, padding: .valid)
        #expect(Int8Pooling.averagePool2D(input: [1, 2, -1, -2], shape: shape, geometry: pairs).output == [2, -2])
        #expect(
            Int8Pooling.averagePool2D(input: [1, -2, 127, 126], shape: shape, geometry: pairs).output == [-1, 127])
        // SAME, window 3 over width 4, stride 3: output width 2, pad_total 2, pad_left 1; the first window
        // covers {x0, x1}, the second {x2, x3}.
        let same = WindowGeometry(strideHeight: 1, strideWidth: 3, filterHeight: 1, filterWidth: 3, padding: .same)
        #expect(
            Int8Pooling.averagePool2D(input: [-128, -127, 5, 7], shape: shape, geometry: same).output == [-128, 6])
        #expect(Int8Pooling.maxPool2D(input: [-128, -127, 5, 7], shape: shape, geometry: same).output == [-127, 7])
    }

    /// MEAN against the formula of TFLite Micro's integer `QuantizedMeanOrSum` written out again (⌊log₂ n⌋ by
    /// a loop, the folded multiplier in Int64), and, with shared parameters, within one step of the real mean.
    @Test(arguments: (1...30).map { Case(seed: $0) })
    func meanEqualsTheReference(_ testCase: Case) {
        var r = RandomCase(seed: testCase.seed)
        let x = r.int8(r.shape.count)
        let p = QuantizationParameters(scale: 0.02, zeroPoint: r.inputZeroPoint)
        let o =
            testCase.seed % 2 == 0 ? p : QuantizationParameters(scale: 0.013, zeroPoint: r.outputZeroPoint)
        let y = Int8Pooling.meanHW(input: x, shape: r.shape, input: p, output: o)
        let n = r.shape.height * r.shape.width
        let base = QuantizedMultiplier(Double(p.scale) / Double(o.scale))
        var log2 = 0
        while 1 << (log2 + 1) <= n { log2 += 1 }
        let k = min(log2, 32, 31 + Int(base.shift))
        let folded = QuantizedMultiplier(
            multiplier: Int32((Int64(base.multiplier) * (Int64(1) << k)) / Int64(n)), shift: base.shift - Int32(k))
        var expected = [Int8]()
        for b in 0..<r.shape.batch {
            for c in 0..<r.shape.channels {
                var total = 0
                for yy in 0..<r.shape.height {
                    for xx in 0..<r.shape.width { total += Int(x[r.shape.offset(b, yy, xx, c)]) }
                }
                let centred = Int32(total - Int(p.zeroPoint) * n)
                let value = Int(FixedPoint.multiplyByQuantizedMultiplier(centred, folded)) + Int(o.zeroPoint)
                expected.append(Int8(min(max(value, -128), 127)))
                if o == p {
                    let real = Double(total) / Double(n)
                    #expect(abs(Double(expected.last!) - real) <= 1, "mean \(real), got \(expected.last!)")
                }
            }
        }
        #expect(y == expected)
    }

    /// The output geometry on the edges: a window larger than the input under SAME, strides larger than
    /// the window, and the documented sizes.
    @Test func geometryOnTheEdges() {
        let big = WindowGeometry(strideHeight: 1, strideWidth: 1, filterHeight: 5, filterWidth: 5, padding: .same)
        #expect(big.outputHeight(3) == 3 && big.padTop(3) == 2)
        let skip = WindowGeometry(strideHeight: 4, strideWidth: 4, filterHeight: 1, filterWidth: 1, padding: .valid)
        #expect(skip.outputHeight(9) == 3 && skip.padTop(9) == 0)
        let odd = WindowGeometry(strideHeight: 2, strideWidth: 2, filterHeight: 2, filterWidth: 2, padding: .same)
        // in 5, out 3, pad_total 1: no padding at the top, one row at the bottom.
        #expect(odd.outputHeight(5) == 3 && odd.padTop(5) == 0)
        #expect(
            FusedActivationRange.clamp(.relu6, output: QuantizationParameters(scale: 0.03, zeroPoint: -100))
                == -100...100)
    }
}
