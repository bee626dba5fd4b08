import Export
import Foundation
import Networks
import TestSupport
import Testing

/// The exported C built for a Cortex-M4 with arm-none-eabi-gcc by deploy/mcu/Makefile and run under
/// `qemu-system-arm -M mps2-an386`: its outputs equal the Swift integer reference bit for bit, and the flash
/// and RAM the export reports equal what `arm-none-eabi-size` and `arm-none-eabi-nm` measure.
@Suite(.serialized) struct MicrocontrollerTests {
    static func make(_ target: String, model: String, inputs: String? = nil, build: String, prefix: String = "model")
        throws -> String
    {
        _ = try Toolchain.require("arm-none-eabi-gcc", package: "gcc-arm-none-eabi libnewlib-arm-none-eabi")
        _ = try Toolchain.require("qemu-system-arm", package: "qemu-system-arm")
        let make = try Toolchain.require("make", package: "make")
        var arguments = [
            "-s", "-C", Toolchain.root + "/deploy/mcu", "MODEL=\(model)", "BUILD=\(build)", "PREFIX=\(prefix)",
        ]
        if let inputs { arguments.append("INPUTS=\(inputs)") }
        return try Toolchain.run(make, arguments + [target])
    }

    @Test(arguments: [
        ([64, 32, 16, 10], Activation.relu, Rounding.double), ([24, 20, 12, 6], .tanh, .double),
        ([40, 30, 8], .silu, .single),
    ])
    func cortexM4UnderQEMUEqualsTheSwiftReference(_ sizes: [Int], _ activation: Activation, _ rounding: Rounding)
        throws
    {
        let model = try RandomModels.quantized(
            sizes: sizes, activation: activation, seed: UInt64(sizes[0]), rounding: rounding, sparsity: 0.3)
        let directory = try CEmitterTests.emit(model, prefix: "model", kernel: .folded)
        let samples = RandomModels.int8Samples(count: 1000, columns: model.inputCount, seed: 21)
        try Toolchain.writeSamples(samples, to: directory + "/inputs.bin")
        let text = try Self.make(
            "run", model: directory, inputs: directory + "/inputs.bin", build: directory + "/build")
        let outputs = Toolchain.parseOutputs(text)
        #expect(outputs.count == samples.count)
        let expected = samples.map { model.invoke($0) }
        let differing = zip(outputs, expected).filter { $0.0 != $0.1 }.count
        #expect(differing == 0, "\(differing) of \(samples.count) outputs differ between the Cortex-M4 and Swift")
        // And the host build of the same runner prints the same text.
        let host = try Self.make(
            "host-run", model: directory, inputs: directory + "/inputs.bin", build: directory + "/build")
        #expect(host == text)
    }

    /// `MemoryFootprint` against `arm-none-eabi-size -A model.o` (per section) and against the symbol sizes
    /// of the linked ELF (`arm-none-eabi-nm -S`), for models with and without tables and per-tensor weights.
    @Test(arguments: [
        ([64, 128, 64, 10], Activation.relu, WeightGranularity.perChannel), ([30, 20, 20, 5], .tanh, .perTensor),
        ([12, 4], .relu, .perChannel),
    ])
    func reportedFlashAndRAMEqualTheMeasuredSizes(
        _ sizes: [Int], _ activation: Activation, _ granularity: WeightGranularity
    ) throws {
        let model = try RandomModels.quantized(sizes: sizes, activation: activation, seed: 4, granularity: granularity)
        let footprint = MemoryFootprint(model)
        let directory = try CEmitterTests.emit(model, prefix: "net", kernel: .folded)
        let build = directory + "/build"
        let text = try Self.make("size", model: directory, build: build, prefix: "net")
        let objectPart = String(text[..<text.range(of: "model.elf")!.lowerBound])
        let measured = ObjectSizes(sizeOutput: objectPart, prefix: "net")
        #expect(measured.weights == footprint.weights)
        #expect(measured.biases == footprint.biases)
        #expect(measured.multipliers == footprint.multipliers)
        #expect(measured.lookupTables == footprint.lookupTables)
        #expect(measured.otherConstants == 0)
        #expect(measured.data == 0)
        #expect(measured.bss == footprint.arena)
        #expect(measured.ram == footprint.arena)
        #expect(measured.code > 0 && measured.code < 1024, "code \(measured.code) bytes")
        // What the exporter itself measures is the same object.
        #expect(try ObjectSizes.measureCortexM4(directory: directory, prefix: "net") == measured)

        // In the linked image: the symbols of model.c, by size.
        let nm = try Toolchain.require("arm-none-eabi-nm", package: "binutils-arm-none-eabi")
        var symbols = [String: Int]()
        for line in try Toolchain.run(nm, ["-S", "-t", "d", build + "/model.elf"]).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 4, let size = Int(fields[1]) { symbols[String(fields[3])] = size }
        }
        func total(_ kinds: String) -> Int {
            symbols.filter { name, _ in
                name.hasPrefix("net_") && kinds.contains(name.dropFirst(4).prefix(1))
                    && name.dropFirst(5).allSatisfy(\.isNumber) && name.count > 5
            }.values.reduce(0, +)
        }
        #expect(total("w") == footprint.weights)
        #expect(total("b") == footprint.biases)
        #expect(total("ms") == footprint.multipliers)
        #expect(total("t") == footprint.lookupTables)
        #expect(symbols["net_arena"] == (footprint.arena > 0 ? footprint.arena : nil))
    }
}
