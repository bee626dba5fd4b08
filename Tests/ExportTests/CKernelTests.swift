import Export
import Foundation
import TestSupport
import Testing

/// The C kernels (`CKernels`), compiled by the host's gcc (`-std=c99 -Wall -Wextra -pedantic -Werror`),
/// equal the Swift kernels bit for bit on random cases (the seeds of `Int8KernelTests`): every case's
/// arrays are written into one C program per kernel, which prints the outputs.
@Suite struct CKernelTests {
    enum Kind: String, CaseIterable, Sendable {
        case conv, depthwise, maxPool, averagePool, mean
    }

    static func array(_ name: String, _ type: String, _ values: [Int64]) -> String {
        "static const \(type) \(name)[\(max(values.count, 1))] = {"
            + (values.isEmpty ? "0" : values.map(String.init).joined(separator: ", ")) + "};\n"
    }

    /// `{batch, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, stride_h, stride_w, pad_top,
    /// pad_left, input_offset, output_offset, act_min, act_max}`.
    static func window(
        _ shape: NHWCShape, _ out: NHWCShape, _ g: WindowGeometry, inputOffset: Int32 = 0, outputOffset: Int32 = 0,
        clamp: ClosedRange<Int32> = -128...127
    ) -> String {
        let fields: [Int] = [
            shape.batch, shape.height, shape.width, shape.channels, out.height, out.width, out.channels,
            g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padTop(shape.height),
            g.padLeft(shape.width), Int(inputOffset), Int(outputOffset), Int(clamp.lowerBound), Int(clamp.upperBound),
        ]
        return "{" + fields.map(String.init).joined(separator: ", ") + "}"
    }

    @Test(arguments: Kind.allCases)
    func cEqualsTheSwiftKernels(_ kind: Kind) throws {
        var program = "#include <stdio.h>\n#include \"kernels.c\"\n\n"
        var calls = ""
        var expected = [[Int8]]()
        for seed in UInt64(1)...40 {
            var r = Int8KernelTests.RandomCase(seed: seed)
            let x = r.int8(r.shape.count)
            program += Self.array("x\(seed)", "int8_t", x.map { Int64($0) })
            let size: Int
            switch kind {
            case .conv, .depthwise:
                let m = 1 + r.stream.integer(below: 3)
                let outputs = kind == .conv ? 1 + r.stream.integer(below: 4) : r.shape.channels * m
                let taps = r.geometry.filterHeight * r.geometry.filterWidth
                let w = r.int8(kind == .conv ? outputs * taps * r.shape.channels : taps * outputs, symmetric: true)
                let bias = (0..<outputs).map { _ in Int32(r.stream.integer(below: 20001)) - 10000 }
                let q = r.quantization(channels: outputs, saturate: seed % 4 == 0)
                let (y, out) =
                    kind == .conv
                    ? Int8Convolution.conv2D(
                        input: x, shape: r.shape, filter: w, outputChannels: outputs, bias: bias, geometry: r.geometry,
                        quantization: q)
                    : Int8Convolution.depthwiseConv2D(
                        input: x, shape: r.shape, filter: w, depthMultiplier: m, bias: bias, geometry: r.geometry,
                        quantization: q)
                expected.append(y)
                size = y.count
                program += Self.array("w\(seed)", "int8_t", w.map { Int64($0) })
                program += Self.array("b\(seed)", "int32_t", bias.map { Int64($0) })
                program += Self.array("m\(seed)", "int32_t", q.multipliers.map { Int64($0.multiplier) })
                program += Self.array("s\(seed)", "int8_t", q.multipliers.map { Int64($0.shift) })
                program +=
                    "static const k_window_t p\(seed) = "
                    + Self.window(
                        r.shape, out, r.geometry, inputOffset: q.inputOffset, outputOffset: q.outputOffset,
                        clamp: q.clamp)
                    + ";\n"
                calls +=
                    kind == .conv
                    ? "    k_conv2d(&p\(seed), x\(seed), w\(seed), b\(seed), m\(seed), s\(seed), y);\n"
                    : "    k_depthwise_conv2d(&p\(seed), \(m), x\(seed), w\(seed), b\(seed), m\(seed), s\(seed), y);\n"
            case .maxPool, .averagePool:
                let clamp = FusedActivationRange.clamp(
                    seed % 2 == 0 ? .relu6 : .none,
                    output: QuantizationParameters(scale: 0.04, zeroPoint: r.outputZeroPoint))
                let (y, out) =
                    kind == .maxPool
                    ? Int8Pooling.maxPool2D(input: x, shape: r.shape, geometry: r.geometry, clamp: clamp)
                    : Int8Pooling.averagePool2D(input: x, shape: r.shape, geometry: r.geometry, clamp: clamp)
                expected.append(y)
                size = y.count
                program +=
                    "static const k_window_t p\(seed) = " + Self.window(r.shape, out, r.geometry, clamp: clamp) + ";\n"
                calls += "    k_\(kind == .maxPool ? "max" : "average")_pool2d(&p\(seed), x\(seed), y);\n"
            case .mean:
                let p = QuantizationParameters(scale: 0.1, zeroPoint: r.inputZeroPoint)
                let o = QuantizationParameters(scale: 0.1 / Float(1 + seed % 3), zeroPoint: r.outputZeroPoint)
                let y = Int8Pooling.meanHW(input: x, shape: r.shape, input: p, output: o)
                let m = Int8Pooling.meanMultiplier(input: p, output: o, count: r.shape.height * r.shape.width)
                expected.append(y)
                size = y.count
                let s = r.shape
                calls +=
                    "    k_mean_hw(\(s.batch), \(s.height), \(s.width), \(s.channels), \(p.zeroPoint), \(o.zeroPoint), "
                    + "\(m.multiplier), \(m.shift), x\(seed), y);\n"
            }
            calls += "    print(y, \(size));\n"
        }
        program += """

            static void print(const int8_t *y, int32_t count)
            {
                for (int32_t i = 0; i < count; i++) printf(i == 0 ? "%d" : " %d", y[i]);
                printf("\\n");
            }

            int main(void)
            {
                static int8_t y[4096];
            \(calls)    return 0;
            }

            """
        let directory = BuiltProducts.temporaryDirectory("partita-ckernels")
        try CKernels.source(prefix: "k").write(toFile: directory + "/kernels.c", atomically: false, encoding: .utf8)
        try program.write(toFile: directory + "/main.c", atomically: false, encoding: .utf8)
        let executable = try Toolchain.hostExecutable(
            [directory + "/main.c"], includes: [directory], output: directory + "/kernels")
        let outputs = Toolchain.parseOutputs(try Toolchain.run(executable, []))
        #expect(outputs.count == expected.count)
        for (seed, (c, swift)) in zip(1..., zip(outputs, expected)) {
            #expect(c == swift, "\(kind) seed \(seed)")
        }
    }
}
