import Foundation
import Testing

@testable import Datasets

/// The `.npy` reader against files written by numpy's own `np.save` and `numpy.lib.format.write_array`.
/// Values are compared exactly: the reference is numpy's `repr` of each element (shortest round-trip text).
@Suite struct NpyFileTests {
    /// Writes `<name>.npy` with numpy and `<name>.txt` holding `rows columns` then one element per line.
    static let writer = """
        import sys, numpy as np
        from numpy.lib import format as fmt
        d = sys.argv[1]
        rng = np.random.default_rng(20240601)
        arrays = {
            'f32': rng.standard_normal((37, 5)).astype('<f4'),
            'f64': rng.standard_normal((11, 3)) * 1e3,
            'u8': rng.integers(0, 256, (13, 7), dtype=np.uint8),
            'i64': rng.integers(-2**40, 2**40, 17, dtype=np.int64),
            'f32_1d': rng.standard_normal(9).astype('<f4'),
            'u8_3d': rng.integers(0, 256, (4, 3, 2), dtype=np.uint8),
            'empty_rows': np.zeros((0, 3), dtype='<f8'),
        }
        def reference(name, a):
            with open(f'{d}/{name}.txt', 'w') as f:
                f.write(f'{a.shape[0]} {int(np.prod(a.shape[1:]))}\\n')
                for v in a.reshape(-1):
                    f.write((repr(float(v)) if a.dtype.kind == 'f' else str(int(v))) + '\\n')
        for name, a in arrays.items():
            np.save(f'{d}/{name}.npy', a)
            reference(name, a)
        for version in [(2, 0), (3, 0)]:
            a = rng.standard_normal((6, 4)).astype('<f4')
            name = f'v{version[0]}'
            with open(f'{d}/{name}.npy', 'wb') as f:
                fmt.write_array(f, a, version=version)
            reference(name, a)
        """

    /// The directory `writer` wrote its files into, once for all the tests that read them (they only read;
    /// the gzip test writes its `.gz` and cache elsewhere). Left behind in the temporary directory.
    static let numpyFiles: Result<String, any Error> = Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("partita-datasets-npy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Fixtures.python(writer, [directory])
        return directory
    }

    /// The reference shape and elements from a `.txt` file written by `writer`.
    static func reference(_ path: String) throws -> (rows: Int, columns: Int, values: [Double]) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let shape = lines[0].split(separator: " ").map { Int($0)! }
        return (shape[0], shape[1], lines.dropFirst().map { Double($0)! })
    }

    static func expectMatches(_ storage: FeatureStorage, reference path: String) throws {
        let (rows, columns, values) = try reference(path)
        #expect(storage.rows == rows && storage.columns == columns, "\(path)")
        #expect(storage.allValues() == values, "\(path)")
        if rows > 0 && columns > 0 {
            #expect(storage.value(row: rows - 1, column: columns - 1) == values.last!)
        }
    }

    @Test(arguments: [
        ("f32", FeatureStorage.ElementType.float32), ("f64", .float64), ("u8", .uint8), ("i64", .int64),
        ("f32_1d", .float32), ("u8_3d", .uint8), ("empty_rows", .float64), ("v2", .float32), ("v3", .float32),
    ])
    func readsNumpyFilesExactly(name: String, type: FeatureStorage.ElementType) throws {
        let directory = try Self.numpyFiles.get()
        let path = "\(directory)/\(name).npy"
        let storage = try NpyFile.read(path: path, cacheDirectory: nil)
        #expect(storage.elementType == type)
        // Memory-mapped from the file itself, not copied.
        #expect(storage.mappedFilePath == path)
        try Self.expectMatches(storage, reference: "\(directory)/\(name).txt")
    }

    @Test func versionTwoAndThreeHeadersAreWhatNumpyWrote() throws {
        let directory = try Self.numpyFiles.get()
        #expect(try Fixtures.read("\(directory)/v2.npy")[6] == 2)
        #expect(try Fixtures.read("\(directory)/v3.npy")[6] == 3)
        #expect(try Fixtures.read("\(directory)/f32.npy")[6] == 1)
    }

    @Test func gzipCompressedNpyIsReadThroughTheCache() throws {
        let numpy = try Self.numpyFiles.get()
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.gzip("\(numpy)/f64.npy", to: "\(directory)/f64.npy.gz")
            let storage = try NpyFile.read(path: "\(directory)/f64.npy.gz", cacheDirectory: "\(directory)/cache")
            #expect(storage.mappedFilePath?.hasPrefix("\(directory)/cache/f64.npy-") == true)
            try Self.expectMatches(storage, reference: "\(numpy)/f64.txt")
        }
    }

    /// Each malformed file gives its own one-line message.
    @Test func malformedFilesGiveSpecificMessages() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.python(
                """
                import sys, numpy as np
                d = sys.argv[1]
                a = np.arange(12, dtype='<f4').reshape(3, 4)
                np.save(f'{d}/big.npy', np.zeros((1000, 64), dtype='<f4'))
                np.save(f'{d}/complex.npy', a.astype('<c8'))
                np.save(f'{d}/bigendian.npy', a.astype('>f4'))
                np.save(f'{d}/int32.npy', a.astype('<i4'))
                np.save(f'{d}/fortran.npy', np.asfortranarray(a))
                np.savez(f'{d}/archive.npz', a=a)
                """, [directory])
            func message(_ name: String) -> String {
                Fixtures.errorDescription { _ = try NpyFile.read(path: "\(directory)/\(name)", cacheDirectory: nil) }
            }
            // Truncate the (1000, 64) file to its header plus 1024 bytes of data.
            var big = try Fixtures.read("\(directory)/big.npy")
            let dataOffset = 10 + Int(big[8]) + Int(big[9]) << 8
            big.removeLast(big.count - dataOffset - 1024)
            try Fixtures.write(big, to: "\(directory)/x.npy")
            #expect(
                message("x.npy")
                    == "\(directory)/x.npy: truncated: header declares (1000, 64) float32 = 256000 bytes of data, "
                    + "file holds 1024")
            #expect(
                message("complex.npy")
                    == "\(directory)/complex.npy: unsupported dtype '<c8' (Partita reads float32, float64, uint8, "
                    + "int64)")
            #expect(
                message("bigendian.npy")
                    == "\(directory)/bigendian.npy: big-endian data ('>f4') is not supported; convert with numpy's "
                    + ".astype('<f4')")
            #expect(
                message("int32.npy")
                    == "\(directory)/int32.npy: unsupported dtype '<i4' (Partita reads float32, float64, uint8, "
                    + "int64); convert with numpy's .astype('<i8')")
            #expect(
                message("fortran.npy")
                    == "\(directory)/fortran.npy: Fortran-order (column-major) data is not supported; save a C-order "
                    + "copy with np.save(path, np.ascontiguousarray(a))")
            #expect(message("archive.npz").hasPrefix("\(directory)/archive.npz: this is a .npz (zip) archive"))

            try Fixtures.write([UInt8](), to: "\(directory)/empty.npy")
            #expect(message("empty.npy") == "\(directory)/empty.npy: empty file")
            #expect(message("absent.npy") == "\(directory)/absent.npy: no such file")

            try Fixtures.write("hello world, not numpy", to: "\(directory)/text.npy")
            #expect(
                message("text.npy")
                    == "\(directory)/text.npy: not a .npy file: it starts with 0x68 0x65 0x6c 0x6c 0x6f 0x20, "
                    + "not \\x93NUMPY")

            func handMade(_ header: String, major: UInt8 = 1, name: String) throws {
                let text = Array(header.utf8)
                try Fixtures.write(
                    NpyFile.magic + [major, 0, UInt8(text.count), 0] + text + [UInt8](repeating: 0, count: 48),
                    to: "\(directory)/\(name)")
            }
            try handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4 }\n", name: "unclosed.npy")
            #expect(
                message("unclosed.npy").hasPrefix("\(directory)/unclosed.npy: malformed header: expected ',' or ')'"))
            try handMade("{'descr': '<f4', 'fortran_order': False}\n", name: "noshape.npy")
            #expect(
                message("noshape.npy")
                    == "\(directory)/noshape.npy: malformed header: no 'shape' tuple in "
                    + "{'descr': '<f4', 'fortran_order': False}")
            try handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", major: 4, name: "v4.npy")
            #expect(
                message("v4.npy")
                    == "\(directory)/v4.npy: npy format version 4.0 is not supported (Partita reads 1.0, 2.0, 3.0)")
            // A hand-made header in Python 2 style (`3L`) parses, and the data is found after it.
            try handMade("{'descr': '|u1', 'fortran_order': False, 'shape': (3L, 4L), }\n", name: "py2.npy")
            let py2 = try NpyFile.read(path: "\(directory)/py2.npy", cacheDirectory: nil)
            #expect(py2.rows == 3 && py2.columns == 4 && py2.allValues() == [Double](repeating: 0, count: 12))
        }
    }

    /// A description is one line, `"<path>: <problem>"`.
    @Test func messagesAreOneLine() {
        let error = DataError.truncated(path: "x.npy", problem: "truncated: something")
        #expect(!error.description.contains("\n"))
        #expect(error.description == "x.npy: truncated: something")
        #expect(DataError.empty(path: "x.npy").description == "x.npy: empty file")
    }
}
