import Checkpoints
import Testing
import Training

/// One malformed file and the phrase its error must contain.
struct MalformedSafeTensors: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let phrase: String

    var testDescription: String { label }

    /// A file whose header is `json` (declared with its own length unless `declaredLength` is given), followed
    /// by `dataSize` bytes of data.
    init(_ label: String, json: String, dataSize: Int = 0, declaredLength: UInt64? = nil, phrase: String) {
        let header = Array(json.utf8)
        let length = declaredLength ?? UInt64(header.count)
        self.init(
            label,
            bytes: withUnsafeBytes(of: length.littleEndian, Array.init) + header
                + [UInt8](repeating: 0x11, count: dataSize),
            phrase: phrase)
    }

    init(_ label: String, bytes: [UInt8], phrase: String) {
        self.label = label
        self.bytes = bytes
        self.phrase = phrase
    }
}

/// Every way a file can be wrong gets its own one-line error naming the file.
@Suite struct SafeTensorsValidationTests {
    /// `{"x": <entry>}` with 16 bytes of data, for malformed tensor entries.
    static func entry(_ label: String, _ entry: String, dataSize: Int = 16, phrase: String) -> MalformedSafeTensors {
        MalformedSafeTensors(label, json: #"{"x":"# + entry + "}", dataSize: dataSize, phrase: phrase)
    }

    static let cases: [MalformedSafeTensors] = [
        // Header length.
        MalformedSafeTensors(
            "shorter than 8 bytes", bytes: [1, 2, 3],
            phrase: "truncated: the file holds 3 bytes, less than the 8-byte header length"),
        MalformedSafeTensors(
            "header cut short", bytes: [8, 0, 0, 0, 0, 0, 0, 0] + Array(#"{"a"#.utf8),
            phrase: "truncated: header declares 8 bytes of JSON, file holds 3"),
        MalformedSafeTensors(
            "absurd header length", json: "{}", declaredLength: 123_456_789_012,
            phrase: "not a safetensors file (header length 123456789012 exceeds file size 10)"),
        MalformedSafeTensors(
            "text file", bytes: Array("hello, world\n".utf8),
            phrase: "not a safetensors file (header length 8583909746840200552 exceeds file size 13)"),

        // Header JSON.
        MalformedSafeTensors(
            "header not UTF-8", bytes: [4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0xfe, 0x7d],
            phrase: "header is not valid UTF-8"),
        MalformedSafeTensors("header not JSON", json: #"{"x" 1}"#, phrase: "header is not valid JSON: "),
        MalformedSafeTensors("header cut inside JSON", json: #"{"x": {"dtype": "F32""#, phrase: "not valid JSON"),
        MalformedSafeTensors("header an array", json: "[1, 2]", phrase: "header is not a JSON object"),
        MalformedSafeTensors("header a string", json: #""x""#, phrase: "header is not a JSON object"),

        // Metadata.
        MalformedSafeTensors(
            "metadata value a number", json: #"{"__metadata__": {"note": "ok", "step": 100}}"#,
            phrase: "metadata value for 'step' is not a string"),
        MalformedSafeTensors(
            "metadata an array", json: #"{"__metadata__": ["step"]}"#,
            phrase: "'__metadata__' is not a JSON object of strings"),

        // Tensor entries.
        entry("entry a number", "3", phrase: "tensor 'x' is not a JSON object"),
        entry("no dtype", #"{"shape": [4], "data_offsets": [0, 16]}"#, phrase: "tensor 'x' has no 'dtype'"),
        entry("no shape", #"{"dtype": "F32", "data_offsets": [0, 16]}"#, phrase: "tensor 'x' has no 'shape'"),
        entry("no offsets", #"{"dtype": "F32", "shape": [4]}"#, phrase: "tensor 'x' has no 'data_offsets'"),
        entry(
            "dtype a number", #"{"dtype": 32, "shape": [4], "data_offsets": [0, 16]}"#,
            phrase: "tensor 'x' has a 'dtype' that is not a string"),
        entry(
            "shape a string", #"{"dtype": "F32", "shape": "4", "data_offsets": [0, 16]}"#,
            phrase: "tensor 'x' has a 'shape' that is not an array of integers"),
        entry(
            "shape of fractions", #"{"dtype": "F32", "shape": [2.5], "data_offsets": [0, 16]}"#,
            phrase: "tensor 'x' has a 'shape' that is not an array of integers"),
        entry(
            "shape of booleans", #"{"dtype": "F32", "shape": [true], "data_offsets": [0, 16]}"#,
            phrase: "tensor 'x' has a 'shape' that is not an array of integers"),
        entry(
            "one offset", #"{"dtype": "F32", "shape": [4], "data_offsets": [16]}"#,
            phrase: "tensor 'x' has 'data_offsets' that are not two non-negative integers"),
        entry(
            "negative offset", #"{"dtype": "F32", "shape": [0], "data_offsets": [-4, 0]}"#,
            phrase: "tensor 'x' has 'data_offsets' that are not two non-negative integers"),
        entry(
            "offset a string", #"{"dtype": "F32", "shape": [4], "data_offsets": [0, "16"]}"#,
            phrase: "tensor 'x' has 'data_offsets' that are not two non-negative integers"),
        entry(
            "bfloat16", #"{"dtype": "BF16", "shape": [8], "data_offsets": [0, 16]}"#,
            phrase: "unsupported dtype 'BF16' for tensor 'x'"),
        MalformedSafeTensors(
            "newline in a name", json: #"{"bad\nname": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}"#,
            dataSize: 2, phrase: #"unsupported dtype 'BF16' for tensor 'bad\nname' (Partita reads F64, F32, F16,"#),
        entry(
            "lower-case dtype", #"{"dtype": "f32", "shape": [4], "data_offsets": [0, 16]}"#,
            phrase: "unsupported dtype 'f32' for tensor 'x'"),
        entry(
            "negative dimension", #"{"dtype": "F32", "shape": [-2, -2], "data_offsets": [0, 16]}"#,
            phrase: "tensor 'x' has a negative dimension in shape [-2, -2]"),
        entry(
            "overflowing shape", #"{"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 16]}"#,
            phrase: "tensor 'x' has shape [4294967296, 4294967296], too large to address"),
        entry(
            "offsets too short for the shape", #"{"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 10]}"#,
            dataSize: 10, phrase: "tensor 'x' data offsets [0, 10] do not match shape [2, 2] of F32 (16 bytes)"),
        entry(
            "offsets too long for the shape", #"{"dtype": "F64", "shape": [1], "data_offsets": [0, 16]}"#,
            phrase: "tensor 'x' data offsets [0, 16] do not match shape [1] of F64 (8 bytes)"),
        entry(
            "reversed offsets", #"{"dtype": "F32", "shape": [2], "data_offsets": [16, 8]}"#,
            phrase: "tensor 'x' data offsets [16, 8] are reversed"),
        entry(
            "offsets past the data", #"{"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}"#, dataSize: 12,
            phrase: "tensor 'x' data offsets [0, 16] run past the end of the 12-byte data section (truncated file?)"),

        // Data section layout.
        MalformedSafeTensors(
            "overlap",
            json: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},"#
                + #" "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#,
            dataSize: 12, phrase: "tensors 'a' and 'b' overlap"),
        MalformedSafeTensors(
            "same bytes twice",
            json: #"{"b": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},"#
                + #" "a": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}}"#,
            dataSize: 4, phrase: "tensors 'a' and 'b' overlap"),
        MalformedSafeTensors(
            "empty tensor inside another",
            json: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},"#
                + #" "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]}}"#,
            dataSize: 8, phrase: "tensors 'a' and 'e' overlap"),
        MalformedSafeTensors(
            "hole between tensors",
            json: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},"#
                + #" "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}"#,
            dataSize: 12, phrase: "data section bytes [4, 8) belong to no tensor (between 'a' and 'b')"),
        entry(
            "hole at the start", #"{"dtype": "F32", "shape": [3], "data_offsets": [4, 16]}"#,
            phrase: "data section bytes [0, 4) belong to no tensor (before the first tensor, 'x')"),
        entry(
            "bytes after the last tensor", #"{"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}"#,
            phrase: "data section bytes [12, 16) belong to no tensor (after the last tensor, 'x')"),
        MalformedSafeTensors(
            "data but no tensors", json: #"{"__metadata__": {}}"#, dataSize: 5,
            phrase: "data section bytes [0, 5) belong to no tensor (the file has no tensors)"),
    ]

    @Test(arguments: cases)
    func malformedFileGivesItsOwnError(_ malformed: MalformedSafeTensors) {
        let path = "runs/demo/checkpoints/bad.safetensors"
        #expect {
            _ = try SafeTensors.parse(bytes: malformed.bytes, path: path)
        } throws: { error in
            guard let error = error as? CheckpointError else { return false }
            let description = error.description
            #expect(description.hasPrefix(path + ": "))
            #expect(description.contains(malformed.phrase), "\(description)")
            #expect(!description.contains("\n"))
            #expect(error.path == path)
            return true
        }
    }

    /// The limit applies even when the file really is that large (a 100 MB string of spaces is not a header
    /// anyone wrote).
    @Test func headerOverTheLimitIsRejected() {
        let length = SafeTensors.maximumHeaderLength + 8
        var bytes = withUnsafeBytes(of: UInt64(length).littleEndian, Array.init)
        bytes += [UInt8](repeating: 0x20, count: length)
        #expect(throws: CheckpointError.headerTooLarge(path: "big", headerLength: UInt64(length), limit: 100_000_000)) {
            try SafeTensors.parse(bytes: bytes, path: "big")
        }
        let error = CheckpointError.headerTooLarge(path: "big", headerLength: UInt64(length), limit: 100_000_000)
        #expect(error.description == "big: header length 100000008 exceeds the limit of 100000000 bytes")
    }

    @Test func truncatedCheckpointIsRejected() throws {
        var file = SafeTensors()
        file.add(name: "layers.0.weight", values: [Float](repeating: 1, count: 6), shape: [2, 3])
        let bytes = file.serialized()
        #expect {
            try SafeTensors.parse(bytes: Array(bytes.dropLast(4)), path: "ckpt.safetensors")
        } throws: { error in
            (error as? CheckpointError)?.description
                == "ckpt.safetensors: tensor 'layers.0.weight' data offsets [0, 24] run past the end of the 20-byte "
                + "data section (truncated file?)"
        }
        for cut in [0, 5, 8, 20] {
            #expect(throws: CheckpointError.self) {
                try SafeTensors.parse(bytes: Array(bytes.prefix(cut)), path: "ckpt.safetensors")
            }
        }
    }

    /// What the format allows and the Python library accepts is accepted: null metadata, unknown fields,
    /// whitespace, empty tensors at shared offsets, keys in any order.
    @Test func lenientButValidHeadersAreAccepted() throws {
        let json =
            #"  {"__metadata__": null, "b": {"shape": [1], "data_offsets": [4, 8], "dtype": "F32", "extra": 1},"#
            + #" "e": {"dtype": "I64", "shape": [0, 2], "data_offsets": [4, 4]},"#
            + #" "a": {"dtype": "I32", "shape": [], "data_offsets": [0, 4]}}   "#
        let header = Array(json.utf8)
        let bytes =
            withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
            + [1, 0, 0, 0, 0, 0, 0x80, 0x3f]
        let file = try SafeTensors.parse(bytes: bytes, path: "lenient.safetensors")
        #expect(file.names == ["a", "e", "b"])
        #expect(file.metadata.isEmpty)
        #expect(try file.values("a", as: Int32.self, shape: []) == [1])
        #expect(try file.values("b", as: Float.self, shape: [1]) == [1])
        #expect(try file.values("e", as: Int64.self, shape: [0, 2]) == [])
    }
}
