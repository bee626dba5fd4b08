import Export
import Foundation
import Tensors
import TestSupport
import Testing

/// The integer arithmetic against the published vectors of tinyml.md §1.7 and against an independent C
/// implementation of the same formulas (Reference/arithmetic.c) compiled with gcc, on random arguments.
@Suite struct FixedPointTests {
    /// tinyml.md §1.7, `QuantizeMultiplier`, plus the §1.4 example m = 0.3.
    @Test(arguments: [
        (0.5, 1_073_741_824, 0), (0.25, 1_073_741_824, -1), (1.0, 1_073_741_824, 1), (0.75, 1_610_612_736, 0),
        (1.5, 1_610_612_736, 1), (0.0123456789, 1_696_777_188, -6), (3e-5, 2_111_062_325, -15),
        (0.3, 1_288_490_189, -1), (0.0, 0, 0),
    ])
    func quantizeMultiplierVectors(_ real: Double, _ multiplier: Int32, _ shift: Int32) {
        #expect(QuantizedMultiplier(real) == QuantizedMultiplier(multiplier: multiplier, shift: shift))
    }

    /// §1.4: x = −199958 times 0.3 is −59987.4 exactly; double rounding gives −59988, single −59987.
    @Test func doubleRoundingDiffersFromSingle() {
        let m = QuantizedMultiplier(0.3)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(-199_958, m, rounding: .double) == -59_988)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(-199_958, m, rounding: .single) == -59_987)
    }

    @Test func publishedVectors() {
        let m = QuantizedMultiplier(multiplier: 1_696_777_188, shift: -6)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(12_345, m) == 152)
        // Ties at ×0.25, double vs single rounding.
        let quarter = QuantizedMultiplier(0.25)
        for (x, double, single) in [(-2, -1, 0), (-6, -2, -1), (-10, -3, -2), (2, 1, 1)] as [(Int32, Int32, Int32)] {
            #expect(FixedPoint.multiplyByQuantizedMultiplier(x, quarter, rounding: .double) == double, "x = \(x)")
            #expect(FixedPoint.multiplyByQuantizedMultiplier(x, quarter, rounding: .single) == single, "x = \(x)")
        }
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-5, 1) == -3)
        #expect(FixedPoint.roundingDivideByPowerOfTwo(5, 1) == 3)
        #expect(FixedPoint.roundingDivideByPowerOfTwo(-6, 2) == -2)
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(.min, .min) == .max)
        let half = QuantizedMultiplier(multiplier: 1 << 30, shift: 0)
        #expect(FixedPoint.multiplyByQuantizedMultiplier(-(1 << 30), half) == -(1 << 29))
    }

    /// §1.3: with these scales the per-tensor formula (the product rounded to float first) and the
    /// per-channel formula (all in double) give different multipliers (values from numpy's float32 and
    /// Python's frexp); each also equals the C reference's.
    @Test func perTensorFloatProductQuirk() throws {
        let (input, weight, output): (Float, Float, Float) = (0.1, 0.3, 0.7)
        let perChannel = QuantizedMultiplier(
            RequantizationScale.perChannel(input: input, weight: weight, output: output))
        let perTensor = QuantizedMultiplier(RequantizationScale.perTensor(input: input, weight: weight, output: output))
        #expect(perChannel == QuantizedMultiplier(multiplier: 1_472_560_321, shift: -4))
        #expect(perTensor == QuantizedMultiplier(multiplier: 1_472_560_299, shift: -4))
        let reference = try Self.reference([
            "chan \(Self.hex(input)) \(Self.hex(weight)) \(Self.hex(output))",
            "tensor \(Self.hex(input)) \(Self.hex(weight)) \(Self.hex(output))",
        ])
        #expect(reference[0] == "\(perChannel.multiplier) \(perChannel.shift)")
        #expect(reference[1] == "\(perTensor.multiplier) \(perTensor.shift)")
    }

    /// 20 000 random cases of every operation against the C reference: equal bit for bit.
    @Test func equalsTheCReferenceOnRandomArguments() throws {
        var stream = RandomStream(seed: 8, key: .testing.with(index: 1))
        var requests = [String]()
        var expected = [String]()
        for _ in 0..<2500 {
            let real = stream.logUniform(1e-12, 4)
            let m = QuantizedMultiplier(real)
            requests.append("qm \(String(real.bitPattern, radix: 16))")
            expected.append("\(m.multiplier) \(m.shift)")

            let x = Int32(truncatingIfNeeded: Int(stream.uniform(-3e7, 3e7)))
            let random = QuantizedMultiplier(
                multiplier: Int32(stream.uniform(1_073_741_824, 2_147_483_647)),
                shift: Int32(stream.integer(below: 28)) - 25)
            requests.append("mbqm \(x) \(random.multiplier) \(random.shift)")
            expected.append("\(FixedPoint.multiplyByQuantizedMultiplier(x, random, rounding: .double))")
            requests.append("single \(x) \(random.multiplier) \(random.shift)")
            expected.append("\(FixedPoint.multiplyByQuantizedMultiplier(x, random, rounding: .single))")

            let (a, b) = (Float(stream.uniform(-20, 5)), Float(stream.uniform(-5, 20)))
            let (low, high) = (min(a, b), max(a, b))
            let parameters = QuantizationParameters.asymmetric(min: low, max: high)
            requests.append("asym \(Self.hex(low)) \(Self.hex(high))")
            expected.append("\(String(parameters.scale.bitPattern, radix: 16)) \(parameters.zeroPoint)")

            let value = Float(stream.uniform(-25, 25))
            requests.append("quant \(Self.hex(value)) \(Self.hex(parameters.scale)) \(parameters.zeroPoint)")
            expected.append("\(parameters.quantize(value))")

            let (sIn, sW, sOut) = (
                Float(stream.logUniform(1e-3, 1)), Float(stream.logUniform(1e-4, 1e-1)),
                Float(stream.logUniform(1e-3, 1))
            )
            let channel = QuantizedMultiplier(RequantizationScale.perChannel(input: sIn, weight: sW, output: sOut))
            let tensor = QuantizedMultiplier(RequantizationScale.perTensor(input: sIn, weight: sW, output: sOut))
            requests.append("chan \(Self.hex(sIn)) \(Self.hex(sW)) \(Self.hex(sOut))")
            expected.append("\(channel.multiplier) \(channel.shift)")
            requests.append("tensor \(Self.hex(sIn)) \(Self.hex(sW)) \(Self.hex(sOut))")
            expected.append("\(tensor.multiplier) \(tensor.shift)")

            let bias = Float(stream.uniform(-3, 3))
            requests.append("bias \(Self.hex(bias)) \(Self.hex(sIn)) \(Self.hex(sW))")
            expected.append("\(BiasQuantization.quantize(bias, inputScale: sIn, weightScale: sW))")
        }
        let answers = try Self.reference(requests)
        #expect(answers.count == expected.count)
        let mismatches = zip(zip(requests, answers), expected).filter { $0.0.1 != $0.1 }
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) mismatches, first: \(mismatches.first.map { "\($0.0.0) -> C \($0.0.1), Swift \($0.1)" } ?? "")"
        )
    }

    /// The one departure from GetAsymmetricQuantizationParams: an all-zero tensor gets scale 1, not 0.
    @Test func allZeroTensorGetsScaleOne() {
        #expect(QuantizationParameters.asymmetric(min: 0, max: 0) == QuantizationParameters(scale: 1, zeroPoint: -128))
    }

    static func hex(_ value: Float) -> String { String(value.bitPattern, radix: 16) }

    /// Compiles Reference/arithmetic.c once per call and feeds it `requests`.
    static func reference(_ requests: [String]) throws -> [String] {
        let directory = BuiltProducts.temporaryDirectory("partita-arithmetic")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Reference/arithmetic.c"
        ).path
        let executable = try Toolchain.hostExecutable([source], output: directory + "/arithmetic")
        let output = try Toolchain.run(executable, [], standardInput: requests.joined(separator: "\n") + "\n")
        return output.split(separator: "\n").map(String.init)
    }
}
