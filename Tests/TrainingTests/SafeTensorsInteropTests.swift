import Checkpoints
import Foundation
import TestSupport
import Testing
import Training

/// Files written by Partita load in Python's `safetensors`, and files written by Python load in Partita, with
/// bit-identical values. The reference is the Python library itself (`safetensors.numpy`), with numpy's own
/// byte dumps and `float.hex()` strings as the independent record of each value.
///
/// These tests need the project's Python (`.venv`, made by `deploy/install-deps --test`) with `safetensors` and
/// `numpy`. Without them the tests fail
/// (they do not skip), saying what to install.
@Suite struct SafeTensorsInteropTests {
    /// A tensor as Python saw it: numpy dtype name, shape, little-endian C-order bytes in hex, and each element
    /// as a string (`float.hex()` for floats, `str()` for integers, `True`/`False` for booleans).
    struct PythonTensor: Decodable {
        let dtype: String
        let shape: [Int]
        let hex: String
        let values: [String]
    }

    /// What the Python side prints: the metadata and every tensor.
    struct PythonFile: Decodable {
        let metadata: [String: String]
        let tensors: [String: PythonTensor]
    }

    /// Prints `{"metadata": …, "tensors": {name: PythonTensor}}` for the file `sys.argv[1]`.
    static let dumpScript = """
        import json, sys
        import numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file

        def describe(a):
            le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"))
            if a.dtype.kind == "f":
                values = [float(x).hex() for x in a.ravel().tolist()]
            else:
                values = [str(x) for x in a.ravel().tolist()]
            return {"dtype": str(a.dtype), "shape": list(a.shape), "hex": le.tobytes().hex(), "values": values}

        path = sys.argv[1]
        tensors = load_file(path)
        with safe_open(path, framework="np") as f:
            metadata = f.metadata() or {}
        json.dump({"metadata": metadata, "tensors": {k: describe(v) for k, v in tensors.items()}}, sys.stdout)
        """

    /// Writes a file with numpy values from a fixed seed to `sys.argv[1]`, then dumps it like `dumpScript`, from
    /// the arrays in memory rather than from the file, to `sys.argv[2]`.
    static let writeScript = """
        import json, sys
        import numpy as np
        from safetensors.numpy import save_file

        rng = np.random.default_rng(20240601)
        tensors = {
            "encoder.weight": rng.standard_normal((4, 3)).astype(np.float32),
            "encoder.bias": rng.standard_normal(5),
            "counts": rng.integers(-2**62, 2**62, size=(2, 3), dtype=np.int64),
            "hashes": rng.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True),
            "ids": rng.integers(-2**31, 2**31 - 1, size=3, dtype=np.int32),
            "quantized": rng.integers(-128, 127, size=(2, 2), dtype=np.int8, endpoint=True),
            "pixels": rng.integers(0, 255, size=(2, 2, 2), dtype=np.uint8, endpoint=True),
            "mask": rng.random(7) < 0.5,
            "half": rng.standard_normal(3).astype(np.float16),
            "tiny": np.array([np.float32(1e-40), np.float32(-0.0), np.finfo(np.float32).max], dtype=np.float32),
            "scalar": np.array(3.5, dtype=np.float64),
            "empty": np.zeros((0, 4), dtype=np.float32),
        }
        save_file(tensors, sys.argv[1], metadata={"format": "np", "step": "42", "note": "seeded by numpy"})

        def describe(a):
            le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"))
            if a.dtype.kind == "f":
                values = [float(x).hex() for x in a.ravel().tolist()]
            else:
                values = [str(x) for x in a.ravel().tolist()]
            return {"dtype": str(a.dtype), "shape": list(a.shape), "hex": le.tobytes().hex(), "values": values}

        with open(sys.argv[2], "w") as out:
            metadata = {"format": "np", "step": "42", "note": "seeded by numpy"}
            json.dump({"metadata": metadata, "tensors": {k: describe(v) for k, v in tensors.items()}}, out)
        """

    // MARK: - Swift writes, Python reads

    @Test func pythonLoadsWhatSwiftWrites() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        try requirePython(in: directory)

        let weights: [Float] = [
            0.5, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude / 3, .greatestFiniteMagnitude, -.pi, 0.1, 3,
            -7.25, 1e30, -1e-30, 2,
        ]
        let bias: [Double] = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, -1 / 3]
        let steps: [Int64] = [.min, -1, 0, .max]
        let mask: [UInt8] = [0, 1, 255, 128, 7]
        let metadata = ["step": "100", "seed": "7", "note": "tab\tquote\" backslash\\ ünïcode \u{1} 🎻\n"]
        var file = SafeTensors(metadata: metadata)
        file.add(name: "layers.0.weight", values: weights, shape: [3, 4])
        file.add(name: "layers.0.bias", values: bias, shape: [5])
        file.add(name: "steps", values: steps, shape: [2, 2])
        file.add(name: "mask", values: mask, shape: [5])
        let path = directory.file("swift.safetensors")
        try file.write(to: path)

        let output = try runPython(Self.dumpScript, arguments: [path], in: directory)
        let python = try JSONDecoder().decode(PythonFile.self, from: Data(output.utf8))

        #expect(python.metadata == metadata)
        #expect(Set(python.tensors.keys) == Set(file.names))
        for (name, dtype) in [
            ("layers.0.weight", "float32"), ("layers.0.bias", "float64"), ("steps", "int64"),
            ("mask", "uint8"),
        ] {
            let tensor = try #require(python.tensors[name], "Python did not load '\(name)'")
            #expect(tensor.dtype == dtype, "\(name)")
            #expect(tensor.shape == file[name]?.shape, "\(name)")
            #expect(tensor.hex == file[name]?.bytes.hex, "\(name)")
        }
        // Python's `float.hex()` strings, parsed by `strtod`, against the values Swift wrote.
        func bits(_ name: String) -> [UInt64]? { python.tensors[name]?.values.map { Double($0)?.bitPattern ?? 0 } }
        #expect(bits("layers.0.weight") == weights.map { Double($0).bitPattern })
        #expect(bits("layers.0.bias") == bias.map(\.bitPattern))
        #expect(python.tensors["steps"]?.values == steps.map { "\($0)" })
        #expect(python.tensors["mask"]?.values == mask.map { "\($0)" })
    }

    // MARK: - Python writes, Swift reads

    @Test func swiftReadsWhatPythonWrites() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        try requirePython(in: directory)

        let path = directory.file("python.safetensors")
        let dumpPath = directory.file("python.json")
        _ = try runPython(Self.writeScript, arguments: [path, dumpPath], in: directory)
        let python = try JSONDecoder().decode(
            PythonFile.self, from: try Data(contentsOf: URL(fileURLWithPath: dumpPath)))
        let file = try SafeTensors.read(path: path)

        #expect(file.metadata == python.metadata)
        #expect(Set(file.names) == Set(python.tensors.keys))
        #expect(file.names.count == 12)
        let dtypes: [String: SafeTensors.DType] = [
            "float64": .f64, "float32": .f32, "float16": .f16, "int64": .i64, "uint64": .u64, "int32": .i32,
            "int8": .i8, "uint8": .u8, "bool": .bool,
        ]
        for (name, reference) in python.tensors {
            let tensor = try #require(file[name], "Swift did not read '\(name)'")
            #expect(tensor.dtype == dtypes[reference.dtype], "\(name)")
            #expect(tensor.shape == reference.shape, "\(name)")
            #expect(tensor.bytes.hex == reference.hex, "\(name)")
            let values = reference.values
            switch tensor.dtype {
            case .f32:
                let expected = values.map { Float(Double($0)!).bitPattern }
                #expect(try file.values(name, as: Float.self).map(\.bitPattern) == expected, "\(name)")
            case .f64:
                let expected = values.map { Double($0)!.bitPattern }
                #expect(try file.values(name, as: Double.self).map(\.bitPattern) == expected, "\(name)")
            case .i64: #expect(try file.values(name, as: Int64.self) == values.map { Int64($0)! }, "\(name)")
            case .u64: #expect(try file.values(name, as: UInt64.self) == values.map { UInt64($0)! }, "\(name)")
            case .i32: #expect(try file.values(name, as: Int32.self) == values.map { Int32($0)! }, "\(name)")
            case .i8: #expect(try file.values(name, as: Int8.self) == values.map { Int8($0)! }, "\(name)")
            case .u8: #expect(try file.values(name, as: UInt8.self) == values.map { UInt8($0)! }, "\(name)")
            case .bool: #expect(try file.values(name, as: Bool.self) == values.map { $0 == "True" }, "\(name)")
            case .f16: break  // storage only: the byte comparison above is the check
            default: Issue.record("unexpected dtype \(tensor.dtype) for '\(name)'")
            }
        }
        // Reading is not the end of it: Python also loads the file as Swift writes it back.
        let rewritten = directory.file("rewritten.safetensors")
        try file.write(to: rewritten)
        let reloaded = try JSONDecoder().decode(
            PythonFile.self, from: Data(try runPython(Self.dumpScript, arguments: [rewritten], in: directory).utf8))
        #expect(reloaded.metadata == python.metadata)
        #expect(reloaded.tensors.mapValues(\.hex) == python.tensors.mapValues(\.hex))
    }

    // MARK: - Running Python

    /// Fails the test, with what to install, unless the project's Python (`.venv`) can import `safetensors` and `numpy`.
    func requirePython(in directory: CheckpointScratchDirectory) throws {
        do {
            _ = try runPython("import safetensors, numpy", arguments: [], in: directory)
        } catch {
            let message =
                "python3 with safetensors and numpy is required for the interop tests; run `deploy/install-deps --test` "
                + "(CI does). \(error)"
            Issue.record(Comment(rawValue: message))
            throw error
        }
    }

    struct PythonFailed: Error, CustomStringConvertible {
        let status: Int32
        let stderr: String
        var description: String { "python3 exited with status \(status): \(stderr)" }
    }

    /// Runs `python3 -c script arguments…` and returns its standard output. Output goes through files in
    /// `directory`, so a chatty process cannot block on a full pipe.
    func runPython(_ script: String, arguments: [String], in directory: CheckpointScratchDirectory) throws -> String {
        let id = UUID().uuidString
        let stdoutPath = directory.file("python-\(id).out")
        let stderrPath = directory.file("python-\(id).err")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProjectPython.executable)
        process.arguments = ["-c", script] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw PythonFailed(status: process.terminationStatus, stderr: stderr)
        }
        return stdout
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex, two digits per byte, as Python's `bytes.hex()`.
    fileprivate var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var result = [UInt8]()
        result.reserveCapacity(count * 2)
        for byte in self {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: result, as: UTF8.self)
    }
}
