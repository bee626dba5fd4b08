import Checkpoints
import Foundation
import Testing
import Training

/// Building, serializing, writing and reading safetensors files that are valid. Malformed files are in
/// `SafeTensorsValidationTests`, Python interoperability in `SafeTensorsInteropTests`.
@Suite struct SafeTensorsTests {
    // Edge values of each type: signed zeros, subnormals, the extremes. All finite, so bit equality is the
    // same as value equality except for -0.0, which the bit comparison catches.
    static let floats: [Float] = [
        0, -0.0, 1, -1.5, .pi, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude / 3,
        .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.1,
    ]
    static let doubles: [Double] = [
        0, -0.0, 1, -1.5, .pi, .leastNonzeroMagnitude, .leastNormalMagnitude / 1000, .leastNormalMagnitude,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.1,
    ]

    /// One file holding every dtype, in a fixed order, with metadata.
    static func everyDType() -> SafeTensors {
        var file = SafeTensors(metadata: ["step": "100", "seed": "7", "note": "quotes \" and \\ and\nnewline, ünï"])
        file.add(name: "f32", values: floats, shape: [3, 4])
        file.add(name: "f64", values: doubles, shape: [11])
        file.add(name: "i64", values: [Int64.min, -1, 0, 1, .max, 1 << 40], shape: [2, 3])
        file.add(name: "u64", values: [UInt64.max, 0, 1 << 63, 12_345_678_901_234_567_890], shape: [4])
        file.add(name: "i32", values: [Int32.min, -7, 0, .max], shape: [2, 2])
        file.add(name: "u32", values: [UInt32.max, 0, 1 << 31], shape: [3])
        file.add(name: "i16", values: [Int16.min, -1, .max], shape: [3])
        file.add(name: "u16", values: [UInt16.max, 0, 258], shape: [3])
        file.add(name: "i8", values: [Int8.min, -1, 0, .max], shape: [4])
        file.add(name: "u8", values: [UInt8.max, 0, 1, 128, 7], shape: [5])
        file.add(name: "bool", values: [true, false, true], shape: [3, 1])
        // F16 is storage only: 1.0 (0x3c00) and -2.0 (0xc000), little-endian.
        file.add(SafeTensors.Tensor(name: "f16", dtype: .f16, shape: [2], bytes: [0x00, 0x3c, 0x00, 0xc0]))
        file.add(name: "scalar", values: [Float(2.5)], shape: [])
        file.add(name: "empty", values: [Double](), shape: [0, 3])
        return file
    }

    @Test func everyDTypeRoundTripsBitExactlyThroughAFile() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        let original = Self.everyDType()
        let path = directory.file("ckpt.safetensors")
        try original.write(to: path)
        let read = try SafeTensors.read(path: path)

        #expect(read.path == path)
        #expect(read.names == original.names)
        #expect(read.tensors == original.tensors)
        #expect(read.metadata == original.metadata)
        #expect(try read.values("f32", as: Float.self).map(\.bitPattern) == Self.floats.map(\.bitPattern))
        #expect(try read.values("f64", as: Double.self).map(\.bitPattern) == Self.doubles.map(\.bitPattern))
        #expect(try read.values("i64", as: Int64.self) == [.min, -1, 0, 1, .max, 1 << 40])
        #expect(try read.values("u64", as: UInt64.self) == [.max, 0, 1 << 63, 12_345_678_901_234_567_890])
        #expect(try read.values("i32", as: Int32.self) == [.min, -7, 0, .max])
        #expect(try read.values("u32", as: UInt32.self) == [.max, 0, 1 << 31])
        #expect(try read.values("i16", as: Int16.self) == [.min, -1, .max])
        #expect(try read.values("u16", as: UInt16.self) == [.max, 0, 258])
        #expect(try read.values("i8", as: Int8.self) == [.min, -1, 0, .max])
        #expect(try read.values("u8", as: UInt8.self) == [.max, 0, 1, 128, 7])
        #expect(try read.values("bool", as: Bool.self) == [true, false, true])
        #expect(read["f16"]?.bytes == [0x00, 0x3c, 0x00, 0xc0])
        #expect(try read.values("scalar", as: Float.self, shape: []) == [2.5])
        #expect(try read.values("empty", as: Double.self, shape: [0, 3]) == [])
        #expect(try read.shape(of: "f32") == [3, 4])
        #expect(read["f32"]?.elementCount == 12)
        #expect(read.serialized() == original.serialized())
    }

    @Test func bytesAreLittleEndianInCOrder() {
        var file = SafeTensors()
        file.add(name: "x", values: [Int32(0x0102_0304), -2], shape: [2])
        file.add(name: "y", values: [Float(1)], shape: [1])
        let bytes = file.serialized()
        #expect(Array(bytes.suffix(12)) == [0x04, 0x03, 0x02, 0x01, 0xfe, 0xff, 0xff, 0xff, 0x00, 0x00, 0x80, 0x3f])
    }

    /// The exact bytes of a small file: the header layout is part of the reproducibility contract.
    @Test func headerBytesAreExactlyAsSpecified() {
        var file = SafeTensors(metadata: ["b": "2", "a": "1"])
        file.add(name: "w", values: [Float(1), 2], shape: [2])
        file.add(name: "n", values: [Int64(3)], shape: [])
        let json =
            #"{"__metadata__":{"a":"1","b":"2"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""n":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}"#
        let padded = json + String(repeating: " ", count: (8 - json.utf8.count % 8) % 8)
        let bytes = file.serialized()
        #expect(bytes.count == 8 + padded.utf8.count + 16)
        #expect(Array(bytes[0..<8]) == withUnsafeBytes(of: UInt64(padded.utf8.count).littleEndian, Array.init))
        #expect(String(decoding: bytes[8..<(8 + padded.utf8.count)], as: UTF8.self) == padded)
    }

    @Test func emptyMetadataIsOmittedAndAnEmptyFileIsValid() throws {
        let empty = SafeTensors().serialized()
        #expect(empty == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        let read = try SafeTensors.parse(bytes: empty, path: "empty.safetensors")
        #expect(read.tensors.isEmpty && read.metadata.isEmpty)
    }

    @Test func sameContentGivesByteIdenticalFiles() {
        // Dictionaries filled in different orders (and with different capacities) iterate differently; the
        // files must not differ.
        var forward: [String: String] = [:]
        var backward: [String: String] = [:]
        backward.reserveCapacity(64)
        for i in 0..<20 { forward["key\(i)"] = "\(i * i)" }
        for i in (0..<20).reversed() { backward["key\(i)"] = "\(i * i)" }
        func build(_ metadata: [String: String]) -> [UInt8] {
            var file = SafeTensors(metadata: metadata)
            file.add(name: "layers.0.weight", values: Self.floats, shape: [4, 3])
            file.add(name: "layers.0.bias", values: [Double(1), 2], shape: [2])
            return file.serialized()
        }
        #expect(build(forward) == build(backward))
        #expect(Self.everyDType().serialized() == Self.everyDType().serialized())
    }

    /// Names of every length modulo 8 (with and without metadata) move the end of the JSON around; the data
    /// section must still start at a multiple of 8, after nothing but spaces.
    @Test(arguments: 0..<24)
    func dataSectionIsEightByteAligned(nameLength: Int) throws {
        let metadata = nameLength.isMultiple(of: 3) ? ["k": String(repeating: "m", count: nameLength)] : [:]
        var file = SafeTensors(metadata: metadata)
        let name = String(repeating: "x", count: nameLength + 1)
        file.add(name: name, values: [Double(nameLength)], shape: [1])
        let bytes = file.serialized()
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 8)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        let json = header.reversed().drop { $0 == " " }
        #expect(json.first == "}")
        #expect(header.count - json.count < 8)
        let read = try SafeTensors.parse(bytes: bytes, path: "aligned.safetensors")
        #expect(try read.values(name, as: Double.self) == [Double(nameLength)])
    }

    @Test func readTensorsComeInDataSectionOrder() throws {
        var file = SafeTensors()
        for name in ["z", "a", "m", "b"] { file.add(name: name, values: [UInt8(name.utf8.first!)], shape: [1]) }
        let read = try SafeTensors.parse(bytes: file.serialized(), path: "order.safetensors")
        #expect(read.names == ["z", "a", "m", "b"])
    }

    // MARK: - Errors raised by the code that uses a file

    @Test func readingAsTheWrongTypeNamesBothDTypes() {
        var file = Self.everyDType()
        file.path = "ckpt.safetensors"
        #expect {
            try file.values("f64", as: Float.self)
        } throws: { error in
            (error as? CheckpointError)?.description
                == "ckpt.safetensors: tensor 'f64' is stored as F64 but is read as F32"
        }
    }

    @Test func missingTensorAndMetadataAreNamed() throws {
        var file = Self.everyDType()
        file.path = "ckpt.safetensors"
        #expect {
            try file.values("layers.1.bias", as: Float.self)
        } throws: { error in
            (error as? CheckpointError)?.description == "ckpt.safetensors: missing tensor 'layers.1.bias'"
        }
        #expect(throws: CheckpointError.missingTensor(path: "ckpt.safetensors", tensor: "nope")) {
            try file.shape(of: "nope")
        }
        #expect(try file.metadataValue(for: "step") == "100")
        #expect {
            try file.metadataValue(for: "optimizer")
        } throws: { error in
            (error as? CheckpointError)?.description == "ckpt.safetensors: missing metadata key 'optimizer'"
        }
    }

    @Test func shapeMismatchGivesBothShapes() {
        var file = SafeTensors(path: "ckpt.safetensors")
        file.add(name: "layers.0.weight", values: [Float](repeating: 0, count: 64 * 128), shape: [64, 128])
        #expect {
            try file.values("layers.0.weight", as: Float.self, shape: [128, 64])
        } throws: { error in
            (error as? CheckpointError)?.description
                == "ckpt.safetensors: tensor 'layers.0.weight' has shape [64, 128] but the model needs [128, 64] "
                + "(the checkpoint is from a differently configured model)"
        }
        let error = CheckpointError.invalidMetadataValue(
            path: "ckpt.safetensors", key: "step", value: "ten", problem: "is not an integer")
        #expect(error.description == "ckpt.safetensors: metadata 'step' = 'ten' is not an integer")
    }

    @Test func readingAMissingFileSaysSo() {
        #expect {
            try SafeTensors.read(path: "/nonexistent-partita-dir/ckpt.safetensors")
        } throws: { error in
            (error as? CheckpointError)?.description
                == "/nonexistent-partita-dir/ckpt.safetensors: cannot open the file: No such file or directory"
        }
    }

    // MARK: - Misuse traps

    @Test func addingValuesThatDoNotFillTheShapeTraps() async {
        await #expect(processExitsWith: .failure) {
            var file = SafeTensors()
            file.add(name: "x", values: [Float(1), 2, 3], shape: [2, 2])
        }
    }

    @Test func addingADuplicateNameTraps() async {
        await #expect(processExitsWith: .failure) {
            var file = SafeTensors()
            file.add(name: "x", values: [Float(1)], shape: [1])
            file.add(name: "x", values: [Float(2)], shape: [1])
        }
    }

    @Test func rawBytesThatDoNotFitTheShapeTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = SafeTensors.Tensor(name: "h", dtype: .f16, shape: [3], bytes: [0, 0, 0, 0])
        }
    }
}
