import Foundation
import TestSupport
import Testing

@testable import Datasets

/// `NpyFile.encode` read back by Partita's own reader and by numpy, exactly.
@Suite struct NpyWritingTests {
    /// Values with every kind of bit pattern that matters: signs, subnormals, extremes, infinities.
    static let rows: [[Double]] = [
        [0, -0.0, 1, -1.5], [.pi, -.ulpOfOne, .leastNonzeroMagnitude, .greatestFiniteMagnitude],
        [.infinity, -.infinity, 1e-300, -123456.789],
    ]

    @Test func readsBackExactlyWithTheReader() throws {
        try Fixtures.withTemporaryDirectory { directory in
            let path = directory + "/m.npy"
            let bytes = NpyFile.encode(float64Rows: Self.rows)
            try Fixtures.write(bytes, to: path)
            let storage = try NpyFile.read(path: path, cacheDirectory: nil)
            #expect(storage.elementType == .float64)
            #expect(storage.rows == 3 && storage.columns == 4)
            #expect(storage.allValues().map(\.bitPattern) == Self.rows.flatMap { $0 }.map(\.bitPattern))
            // The data starts on a 64-byte boundary, as numpy writes it.
            let header = try bytes.withUnsafeBytes { try NpyFile.parseHeader($0, path: path) }
            #expect(header.dataOffset % 64 == 0 && header.dataOffset == bytes.count - 8 * 12)
        }
    }

    /// numpy loads the file, with the dtype and shape declared, and prints each element's bits in hex: equal
    /// to the Swift values' bits. An empty matrix is shape (0, 0).
    @Test func numpyLoadsItExactly() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(NpyFile.encode(float64Rows: Self.rows), to: directory + "/m.npy")
            try Fixtures.write(NpyFile.encode(float64Rows: []), to: directory + "/empty.npy")
            let output = try Fixtures.python(
                """
                import sys, numpy as np
                a = np.load(sys.argv[1] + '/m.npy'); e = np.load(sys.argv[1] + '/empty.npy')
                print(a.dtype.str, a.shape, e.dtype.str, e.shape, a.flags['C_CONTIGUOUS'])
                print(' '.join(format(int(v), '016x') for v in a.reshape(-1).view('<u8')))
                """, [directory])
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.first == "<f8 (3, 4) <f8 (0, 0) True")
            let bits = Self.rows.flatMap { $0 }.map { String($0.bitPattern, radix: 16) }
                .map { String(repeating: "0", count: 16 - $0.count) + $0 }
            #expect(lines.dropFirst().first == bits.joined(separator: " "))
        }
    }
}
