import Foundation
import Synchronization
import Testing

@testable import Datasets

/// zlib decompression against the system's `/bin/gzip`, corrupt-stream errors, and the decompression cache.
@Suite struct GzipTests {
    /// 300 000 bytes of mixed text and a pseudo-random tail, so the stream spans several 256 KiB output chunks.
    static let original: [UInt8] = {
        var bytes = Array(String(repeating: "Partita reads gzip through zlib. ", count: 6000).utf8)
        var state: UInt32 = 12345
        while bytes.count < 300_000 {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        return bytes
    }()

    @Test func decompressesWhatGzipCompressed() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(Self.original, to: "\(directory)/data")
            try Fixtures.gzip("\(directory)/data", to: "\(directory)/data.gz")
            #expect(try Gzip.decompress(path: "\(directory)/data.gz") == Self.original)
            try Gzip.decompress(path: "\(directory)/data.gz", to: "\(directory)/out")
            #expect(try Fixtures.read("\(directory)/out") == Self.original)
            // Two concatenated members decompress to the concatenation, as with `gzip -d`.
            let member = try Fixtures.read("\(directory)/data.gz")
            try Fixtures.write(member + member, to: "\(directory)/twice.gz")
            #expect(try Gzip.decompress(path: "\(directory)/twice.gz") == Self.original + Self.original)
        }
    }

    @Test func corruptStreamsNameTheFile() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(Self.original, to: "\(directory)/data")
            try Fixtures.gzip("\(directory)/data", to: "\(directory)/data.gz")
            let compressed = try Fixtures.read("\(directory)/data.gz")

            try Fixtures.write(Array(compressed.prefix(compressed.count / 2)), to: "\(directory)/half.gz")
            #expect(
                Fixtures.errorDescription { _ = try Gzip.decompress(path: "\(directory)/half.gz") }
                    == "\(directory)/half.gz: truncated gzip data: the file ends after \(compressed.count / 2) "
                    + "bytes in the middle of the compressed stream; the copy is incomplete, so fetch or compress "
                    + "it again")

            // The CRC-32 in the trailer (bytes −8..−5) no longer matches the data.
            var badChecksum = compressed
            badChecksum[compressed.count - 6] ^= 0xFF
            try Fixtures.write(badChecksum, to: "\(directory)/crc.gz")
            #expect(
                Fixtures.errorDescription { _ = try Gzip.decompress(path: "\(directory)/crc.gz") }
                    == "\(directory)/crc.gz: corrupt gzip data (zlib: incorrect data check); the file is damaged, "
                    + "fetch it again")

            // Byte 2 is the compression method, 8 (deflate) in every gzip file.
            var badMethod = compressed
            badMethod[2] = 7
            try Fixtures.write(badMethod, to: "\(directory)/method.gz")
            #expect(
                Fixtures.errorDescription { _ = try Gzip.decompress(path: "\(directory)/method.gz") }
                    == "\(directory)/method.gz: corrupt gzip data (zlib: unknown compression method); the file is "
                    + "damaged, fetch it again")

            // Through a reader and the cache: the error names the compressed file and leaves no partial file.
            #expect(
                Fixtures.errorDescription {
                    _ = try IDXFile.read(path: "\(directory)/crc.gz", cacheDirectory: "\(directory)/cache")
                }.hasPrefix("\(directory)/crc.gz: corrupt gzip data"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/cache") == [])
            try Fixtures.write([UInt8](), to: "\(directory)/empty.gz")
            #expect(
                Fixtures.errorDescription { _ = try Gzip.decompress(path: "\(directory)/empty.gz") }
                    == "\(directory)/empty.gz: empty file")

            // A valid gzip file of nothing: every reader says so, with or without the cache.
            try Fixtures.write([UInt8](), to: "\(directory)/nothing")
            try Fixtures.gzip("\(directory)/nothing", to: "\(directory)/nothing.gz")
            let nothing = "\(directory)/nothing.gz"
            for cacheDirectory in [nil, "\(directory)/cache"] {
                for read in [
                    { _ = try IDXFile.read(path: nothing, cacheDirectory: cacheDirectory) },
                    { _ = try NpyFile.read(path: nothing, cacheDirectory: cacheDirectory) },
                ] as [() throws -> Void] {
                    #expect(Fixtures.errorDescription(read) == "\(nothing): empty after decompression")
                }
            }
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: nothing) }
                    == "\(nothing): empty after decompression")
        }
    }

    /// The second read maps the same cache file (same inode and modification time), which shows up in the
    /// process's memory map, and no temporary file is left behind.
    @Test func cacheFileIsReusedAndMapped() throws {
        try Fixtures.withTemporaryDirectory { directory in
            let payload = (0..<4096).map { UInt8($0 % 251) }
            try Fixtures.write(IDXFileTests.idx(type: 0x08, shape: [64, 64], payload: payload), to: "\(directory)/a")
            try Fixtures.gzip("\(directory)/a", to: "\(directory)/a.gz")
            let cache = "\(directory)/cache/nested"
            let first = try IDXFile.read(path: "\(directory)/a.gz", cacheDirectory: cache)
            let cachePath = try #require(first.mappedFilePath)
            #expect(cachePath.hasPrefix(cache + "/a-"))
            let before = try FileManager.default.attributesOfItem(atPath: cachePath)
            // /proc files report size 0, so read them to the end rather than by their size.
            let maps = String(
                decoding: try #require(FileHandle(forReadingAtPath: "/proc/self/maps")).readDataToEndOfFile(),
                as: UTF8.self)
            #expect(maps.contains(cachePath))

            let second = try IDXFile.read(path: "\(directory)/a.gz", cacheDirectory: cache)
            #expect(second.mappedFilePath == cachePath)
            let after = try FileManager.default.attributesOfItem(atPath: cachePath)
            #expect((before[.systemFileNumber] as? Int) == (after[.systemFileNumber] as? Int))
            #expect((before[.modificationDate] as? Date) == (after[.modificationDate] as? Date))
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: cache) == [
                    cachePath.split(separator: "/").last.map(String.init)!
                ])
            #expect(second.allValues() == payload.map(Double.init))
            withExtendedLifetime(first) {}
        }
    }

    /// Ranks that start at once each decompress to their own temporary file; the renames leave one whole file.
    @Test func concurrentReadersAgree() throws {
        try Fixtures.withTemporaryDirectory { directory in
            let payload: [UInt8] = (0..<200_000).map { (i: Int) -> UInt8 in
                UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13)
            }
            try Fixtures.write(
                IDXFileTests.idx(type: 0x08, shape: [1000, 200], payload: payload), to: "\(directory)/b")
            try Fixtures.gzip("\(directory)/b", to: "\(directory)/b.gz")
            let results = Mutex<[[Double]]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                let values =
                    (try? IDXFile.read(path: "\(directory)/b.gz", cacheDirectory: "\(directory)/cache"))?
                    .allValues() ?? []
                results.withLock { $0.append(values) }
            }
            let expected = payload.map(Double.init)
            #expect(results.withLock { $0.allSatisfy { $0 == expected } && $0.count == 4 })
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/cache").count == 1)
        }
    }

    /// An unusable cache directory (here, below a regular file) falls back to decompressing into memory.
    @Test func unwritableCacheFallsBackToMemory() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(Self.labelsFile, to: "\(directory)/labels")
            try Fixtures.gzip("\(directory)/labels", to: "\(directory)/labels.gz")
            try Fixtures.write("not a directory", to: "\(directory)/file")
            let storage = try IDXFile.read(path: "\(directory)/labels.gz", cacheDirectory: "\(directory)/file/cache")
            #expect(storage.mappedFilePath == nil)
            #expect(storage.allValues() == [3, 1, 4, 1, 5])
        }
    }

    static let labelsFile = IDXFileTests.idx(type: 0x08, shape: [5], payload: [3, 1, 4, 1, 5])

    /// A changed source (path, size or modification time) gets a new cache file; the same source the same one.
    @Test func cacheFileNameDependsOnPathSizeAndTime() {
        let status = FileStatus(device: 1, inode: 2, size: 100, modificationSeconds: 5, modificationNanoseconds: 6)
        var later = status
        later.modificationNanoseconds += 1
        let name = DecompressionCache.cacheFileName(absolutePath: "/data/x-idx3-ubyte.gz", status: status)
        #expect(name.hasPrefix("x-idx3-ubyte-") && name.count == "x-idx3-ubyte-".count + 16)
        #expect(name != DecompressionCache.cacheFileName(absolutePath: "/data/x-idx3-ubyte.gz", status: later))
        #expect(name != DecompressionCache.cacheFileName(absolutePath: "/other/x-idx3-ubyte.gz", status: status))
        #expect(name == DecompressionCache.cacheFileName(absolutePath: "/data/x-idx3-ubyte.gz", status: status))
    }
}
