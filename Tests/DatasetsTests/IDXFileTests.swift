import Foundation
import Testing

@testable import Datasets

/// The IDX reader on small files written by hand here (big-endian headers, as the format specifies), raw
/// and compressed with the system's `/bin/gzip`.
@Suite struct IDXFileTests {
    /// An IDX file: magic `00 00 type dims`, big-endian `UInt32` extents, then `payload`.
    static func idx(type: UInt8, shape: [UInt32], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
        for extent in shape { bytes += withUnsafeBytes(of: extent.bigEndian, Array.init) }
        return bytes + payload
    }

    /// Five 3×4 "images" with pixel `(n, i, j)` = `(37·n + 5·i + j) mod 256`, and labels `n mod 3`.
    static let imagePixels: [UInt8] = (0..<5).flatMap { (n: Int) -> [UInt8] in
        (0..<12).map { (k: Int) -> UInt8 in UInt8((37 * n + 5 * (k / 4) + k % 4) % 256) }
    }
    static let images = idx(type: 0x08, shape: [5, 3, 4], payload: imagePixels)
    static let labels = idx(type: 0x08, shape: [5], payload: (0..<5).map { UInt8($0 % 3) })

    @Test func unsignedBytesAreFlattenedAndMapped() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(Self.images, to: "\(directory)/images.idx")
            try Fixtures.write(Self.labels, to: "\(directory)/labels.idx")
            let images = try IDXFile.read(path: "\(directory)/images.idx", cacheDirectory: nil)
            #expect(images.rows == 5 && images.columns == 12 && images.elementType == .uint8)
            #expect(images.allValues() == Self.imagePixels.map(Double.init))
            #expect(images.mappedFilePath == "\(directory)/images.idx")
            let labels = try IDXFile.read(path: "\(directory)/labels.idx", cacheDirectory: nil)
            #expect(labels.rows == 5 && labels.columns == 1)
            #expect(labels.allValues() == [0, 1, 2, 0, 1])

            let dataset = try Dataset.idx(
                images: "\(directory)/images.idx", labels: "\(directory)/labels.idx", cacheDirectory: nil)
            #expect(dataset.count == 5 && dataset.featureCount == 12 && dataset.classCount == 3)
            #expect(dataset.classCounts == [2, 2, 1])
        }
    }

    @Test func bigEndianFloatsAreConverted() throws {
        let floats: [Float] = [1.5, -2.25, 3e-7, .greatestFiniteMagnitude, 0, -0.0, 42, 1 / 3]
        let doubles: [Double] = [1 / 3, -1e300, .leastNonzeroMagnitude, 2.5, -7, 0]
        let floatBytes = floats.flatMap { withUnsafeBytes(of: $0.bitPattern.bigEndian, Array.init) }
        let doubleBytes = doubles.flatMap { withUnsafeBytes(of: $0.bitPattern.bigEndian, Array.init) }
        let int32Bytes = [Int32(-5), 70_000, Int32.min].flatMap { withUnsafeBytes(of: $0.bigEndian, Array.init) }
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(Self.idx(type: 0x0D, shape: [4, 2], payload: floatBytes), to: "\(directory)/f.idx")
            try Fixtures.write(Self.idx(type: 0x0E, shape: [6], payload: doubleBytes), to: "\(directory)/d.idx")
            try Fixtures.write(Self.idx(type: 0x0C, shape: [3], payload: int32Bytes), to: "\(directory)/i.idx")
            let f = try IDXFile.read(path: "\(directory)/f.idx", cacheDirectory: nil)
            #expect(f.rows == 4 && f.columns == 2 && f.elementType == .float32)
            #expect(f.allValues() == floats.map(Double.init))
            let d = try IDXFile.read(path: "\(directory)/d.idx", cacheDirectory: nil)
            #expect(d.rows == 6 && d.columns == 1 && d.elementType == .float64 && d.allValues() == doubles)
            let i = try IDXFile.read(path: "\(directory)/i.idx", cacheDirectory: nil)
            #expect(i.elementType == .int64 && i.allValues() == [-5, 70_000, Double(Int32.min)])
        }
    }

    /// gzip is detected by its magic bytes: a compressed copy under a name without `.gz` reads the same.
    @Test func rawAndGzipGiveIdenticalData() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(Self.images, to: "\(directory)/images.idx")
            try Fixtures.gzip("\(directory)/images.idx", to: "\(directory)/images.idx.gz")
            try FileManager.default.copyItem(atPath: "\(directory)/images.idx.gz", toPath: "\(directory)/disguised")
            let raw = try IDXFile.read(path: "\(directory)/images.idx", cacheDirectory: nil)
            for name in ["images.idx.gz", "disguised"] {
                let cached = try IDXFile.read(path: "\(directory)/\(name)", cacheDirectory: "\(directory)/cache")
                #expect(cached.mappedFilePath?.hasPrefix("\(directory)/cache/") == true)
                let inMemory = try IDXFile.read(path: "\(directory)/\(name)", cacheDirectory: nil)
                #expect(inMemory.mappedFilePath == nil)
                for compressed in [cached, inMemory] {
                    #expect(compressed.rows == raw.rows && compressed.columns == raw.columns)
                    #expect(compressed.elementType == raw.elementType && compressed.allValues() == raw.allValues())
                }
            }
        }
    }

    @Test func malformedFilesGiveSpecificMessages() throws {
        try Fixtures.withTemporaryDirectory { directory in
            func message(_ bytes: [UInt8], _ name: String) throws -> String {
                try Fixtures.write(bytes, to: "\(directory)/\(name)")
                return Fixtures.errorDescription {
                    _ = try IDXFile.read(path: "\(directory)/\(name)", cacheDirectory: nil)
                }
            }
            #expect(
                try message([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1], "x.idx")
                    == "\(directory)/x.idx: not an IDX file: magic number 0x12345678, expected two zero bytes, a "
                    + "type code and a dimension count (e.g. 0x00000803 for unsigned-byte images, 0x00000801 for "
                    + "labels)")
            #expect(
                try message(Array(Self.images.dropLast(7)), "short.idx")
                    == "\(directory)/short.idx: truncated: header declares (5, 3, 4) unsigned bytes = 60 bytes of "
                    + "data, file holds 53")
            #expect(
                try message(Self.images + [0, 0], "long.idx")
                    == "\(directory)/long.idx: trailing bytes: header declares (5, 3, 4) unsigned bytes = 60 bytes "
                    + "of data, file holds 62")
            #expect(
                try message([0, 0, 8, 3, 0, 0, 0, 5], "header.idx")
                    == "\(directory)/header.idx: truncated: 3 dimensions need a 16-byte header, the file holds 8 "
                    + "bytes")
            #expect(
                try message([0, 0, 0x07, 1, 0, 0, 0, 0], "type.idx").hasPrefix(
                    "\(directory)/type.idx: unknown IDX type code 0x7"))
            #expect(try message([], "empty.idx") == "\(directory)/empty.idx: empty file")

            // A truncated gzip file names the compressed file; a complete one with truncated contents says so.
            try Fixtures.write(Array(Self.images.dropLast(7)), to: "\(directory)/short-raw")
            try Fixtures.gzip("\(directory)/short-raw", to: "\(directory)/short.idx.gz")
            #expect(
                Fixtures.errorDescription {
                    _ = try IDXFile.read(path: "\(directory)/short.idx.gz", cacheDirectory: "\(directory)/cache")
                }
                    == "\(directory)/short.idx.gz: truncated: header declares (5, 3, 4) unsigned bytes = 60 bytes of "
                    + "data, decompressed file holds 53")
        }
    }
}
