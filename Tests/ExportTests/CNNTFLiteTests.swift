import Export
import Foundation
import Tensors
import TestSupport
import Testing

/// A tiny int8 CNN written as a `.tflite` by hand (CONV_2D → DEPTHWISE_CONV_2D → MAX_POOL_2D →
/// AVERAGE_POOL_2D → MEAN → RESHAPE → FULLY_CONNECTED), run by TensorFlow Lite Micro's own interpreter:
/// its outputs equal the Swift kernels' bit for bit on random inputs. TFLite Micro derives every multiplier
/// from the float scales in the file, so this also checks that the kernels' parameters are the ones it
/// would compute. Two variants: MEAN with the input's parameters and with others.
@Suite struct CNNTFLiteTests {
    struct Layers {
        var model = TFLiteModel(description: "partita CNN kernel test")
        var stream = RandomStream(seed: 77, key: .testing.with(index: 41))

        mutating func int8(_ count: Int, symmetric: Bool) -> [Int8] {
            (0..<count).map { _ in
                Int8(
                    truncatingIfNeeded: symmetric ? stream.integer(below: 255) - 127 : stream.integer(below: 256) - 128)
            }
        }
        mutating func scales(_ count: Int, base: Float) -> [Float] {
            (0..<count).map { _ in base * (1 + Float(stream.integer(below: 1000)) / 1000) }
        }
        mutating func biases(_ count: Int) -> [Int32] {
            (0..<count).map { _ in Int32(stream.integer(below: 4001)) - 2000 }
        }

        mutating func activation(_ name: String, _ shape: [Int], _ p: QuantizationParameters) -> Int {
            model.add(.init(name: name, shape: shape, type: .int8, quantization: .perTensor(p)))
        }
        mutating func constant(_ name: String, _ shape: [Int], _ values: [Int8], scales: [Float], dimension: Int32)
            -> Int
        {
            model.add(
                .init(
                    name: name, shape: shape, type: .int8, data: values.map { UInt8(bitPattern: $0) },
                    quantization: .init(
                        scales: scales, zeroPoints: [Int64](repeating: 0, count: scales.count),
                        quantizedDimension: dimension)))
        }
        mutating func int32(_ name: String, _ values: [Int32], scales: [Float]?) -> Int {
            let bytes = values.flatMap { v in
                (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) }
            }
            return model.add(
                .init(
                    name: name, shape: [values.count], type: .int32, data: bytes,
                    quantization: scales.map { .init(scales: $0, zeroPoints: [Int64](repeating: 0, count: $0.count)) }))
        }
    }

    static func multipliers(input: Float, weights: [Float], output: Float) -> [QuantizedMultiplier] {
        weights.map { QuantizedMultiplier(RequantizationScale.perChannel(input: input, weight: $0, output: output)) }
    }

    @Test(arguments: [true, false])
    func tfliteMicroRunsTheCNNLikeTheSwiftKernels(_ meanSharesParameters: Bool) throws {
        var l = Layers()
        let inputShape = NHWCShape(height: 8, width: 8, channels: 2)
        let p0 = QuantizationParameters(scale: 0.05, zeroPoint: -3)
        let input = l.activation("input", inputShape.dimensions, p0)
        l.model.inputs = [Int32(input)]

        // CONV_2D 3×3, 4 channels, SAME, stride 1, relu.
        let convWeights = l.int8(4 * 3 * 3 * 2, symmetric: true)
        let convScales = l.scales(4, base: 0.01)
        let convBias = l.biases(4)
        let p1 = QuantizationParameters(scale: 0.08, zeroPoint: -20)
        let conv = WindowGeometry(strideHeight: 1, strideWidth: 1, filterHeight: 3, filterWidth: 3, padding: .same)
        let convQ = ConvQuantization(
            inputOffset: -p0.zeroPoint, outputOffset: p1.zeroPoint,
            multipliers: Self.multipliers(input: p0.scale, weights: convScales, output: p1.scale),
            clamp: FusedActivationRange.clamp(.relu, output: p1))
        let t1 = l.activation("conv", [1, 8, 8, 4], p1)
        l.model.nodes.append(
            .init(
                .conv2D,
                inputs: [
                    input, l.constant("conv/w", [4, 3, 3, 2], convWeights, scales: convScales, dimension: 0),
                    l.int32("conv/b", convBias, scales: convScales.map { p0.scale * $0 }),
                ], outputs: [t1], options: .conv2D(padding: .same, strideWidth: 1, strideHeight: 1, activation: .relu)))

        // DEPTHWISE_CONV_2D 3×3, multiplier 2, SAME, stride 2, relu6.
        let dwWeights = l.int8(3 * 3 * 8, symmetric: true)
        let dwScales = l.scales(8, base: 0.02)
        let dwBias = l.biases(8)
        let p2 = QuantizationParameters(scale: 0.03, zeroPoint: -128)
        let dw = WindowGeometry(strideHeight: 2, strideWidth: 2, filterHeight: 3, filterWidth: 3, padding: .same)
        let dwQ = ConvQuantization(
            inputOffset: -p1.zeroPoint, outputOffset: p2.zeroPoint,
            multipliers: Self.multipliers(input: p1.scale, weights: dwScales, output: p2.scale),
            clamp: FusedActivationRange.clamp(.relu6, output: p2))
        let t2 = l.activation("depthwise", [1, 4, 4, 8], p2)
        l.model.nodes.append(
            .init(
                .depthwiseConv2D,
                inputs: [
                    t1, l.constant("dw/w", [1, 3, 3, 8], dwWeights, scales: dwScales, dimension: 3),
                    l.int32("dw/b", dwBias, scales: dwScales.map { p1.scale * $0 }),
                ], outputs: [t2],
                options: .depthwiseConv2D(
                    padding: .same, strideWidth: 2, strideHeight: 2, depthMultiplier: 2, activation: .relu6)))

        // MAX_POOL_2D 2×2 SAME stride 1, then AVERAGE_POOL_2D 2×2 VALID stride 2 (same parameters).
        let maxPool = WindowGeometry(strideHeight: 1, strideWidth: 1, filterHeight: 2, filterWidth: 2, padding: .same)
        let avgPool = WindowGeometry(strideHeight: 2, strideWidth: 2, filterHeight: 2, filterWidth: 2, padding: .valid)
        let t3 = l.activation("max_pool", [1, 4, 4, 8], p2)
        let t4 = l.activation("average_pool", [1, 2, 2, 8], p2)
        l.model.nodes.append(
            .init(
                .maxPool2D, inputs: [t2], outputs: [t3],
                options: .pool2D(
                    padding: .same, strideWidth: 1, strideHeight: 1, filterWidth: 2, filterHeight: 2, activation: .none)
            ))
        l.model.nodes.append(
            .init(
                .averagePool2D, inputs: [t3], outputs: [t4],
                options: .pool2D(
                    padding: .valid, strideWidth: 2, strideHeight: 2, filterWidth: 2, filterHeight: 2, activation: .none
                )))

        // MEAN over H, W (keep dims), RESHAPE to [1, 8], FULLY_CONNECTED to 5.
        let p5 = meanSharesParameters ? p2 : QuantizationParameters(scale: 0.02, zeroPoint: -90)
        let t5 = l.activation("mean", [1, 1, 1, 8], p5)
        l.model.nodes.append(
            .init(
                .mean, inputs: [t4, l.int32("axes", [1, 2], scales: nil)], outputs: [t5],
                options: .reducer(keepDimensions: true)))
        let t6 = l.activation("flat", [1, 8], p5)
        l.model.nodes.append(
            .init(
                .reshape, inputs: [t5, l.int32("shape", [1, 8], scales: nil)], outputs: [t6],
                options: .reshape(newShape: [1, 8])))
        let fcWeights = l.int8(5 * 8, symmetric: true)
        let fcScales = l.scales(5, base: 0.01)
        let fcBias = l.biases(5)
        let p7 = QuantizationParameters(scale: 0.06, zeroPoint: 7)
        let t7 = l.activation("output", [1, 5], p7)
        l.model.nodes.append(
            .init(
                .fullyConnected,
                inputs: [
                    t6, l.constant("fc/w", [5, 8], fcWeights, scales: fcScales, dimension: 0),
                    l.int32("fc/b", fcBias, scales: fcScales.map { p5.scale * $0 }),
                ], outputs: [t7], options: .fullyConnected(.none)))
        l.model.outputs = [Int32(t7)]

        // The Swift kernels on the same inputs.
        let fcMultipliers = Self.multipliers(input: p5.scale, weights: fcScales, output: p7.scale)
        func swift(_ x: [Int8]) -> [Int8] {
            let (a, s1) = Int8Convolution.conv2D(
                input: x, shape: inputShape, filter: convWeights, outputChannels: 4, bias: convBias, geometry: conv,
                quantization: convQ)
            let (b, s2) = Int8Convolution.depthwiseConv2D(
                input: a, shape: s1, filter: dwWeights, depthMultiplier: 2, bias: dwBias, geometry: dw,
                quantization: dwQ)
            let (c, s3) = Int8Pooling.maxPool2D(input: b, shape: s2, geometry: maxPool)
            let (d, s4) = Int8Pooling.averagePool2D(input: c, shape: s3, geometry: avgPool)
            let e = Int8Pooling.reshape(Int8Pooling.meanHW(input: d, shape: s4, input: p2, output: p5), to: [1, 8])
            return (0..<5).map { o in
                var acc = fcBias[o]
                for i in 0..<8 { acc += Int32(fcWeights[o * 8 + i]) * (Int32(e[i]) - p5.zeroPoint) }
                let y = FixedPoint.multiplyByQuantizedMultiplier(acc, fcMultipliers[o]) + p7.zeroPoint
                return Int8(min(max(y, -128), 127))
            }
        }

        let directory = BuiltProducts.temporaryDirectory("partita-cnn-tflite")
        try Data(l.model.serialized()).write(to: URL(fileURLWithPath: directory + "/cnn.tflite"))
        let samples = RandomModels.int8Samples(count: 300, columns: inputShape.count, seed: 13)
        try Toolchain.writeSamples(samples, to: directory + "/inputs.bin")
        let text = try BuiltProducts.output(
            ProjectPython.executable,
            [TFLiteTests.script, "tflm", directory + "/cnn.tflite", directory + "/inputs.bin"])
        let outputs = Toolchain.parseOutputs(text)
        let expected = samples.map(swift)
        #expect(outputs.count == samples.count)
        let differing = zip(outputs, expected).filter { $0.0 != $0.1 }.count
        #expect(differing == 0, "\(differing) of \(samples.count) outputs differ between TFLite Micro and Swift")
        #expect(Set(expected).count > 50, "degenerate outputs")
    }
}
