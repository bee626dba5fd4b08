internal import CZlib

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#endif

/// gzip decompression through zlib's `inflate`, for `.gz` data files (IDX, CSV, `.npy`, the bundled digits).
///
/// zlib is set up with `czlib_inflate_init_gzip` (`inflateInit2` with window bits 15 + 32), which accepts gzip
/// and zlib headers. A file of several concatenated gzip members (what `cat a.gz b.gz` makes) decompresses to
/// the concatenation, as with the `gzip` tool; bytes after the last member that do not start another member
/// are ignored, as `gzip` does with trailing padding. A corrupt or truncated stream throws
/// `DataError.corruptCompression` naming the file.
public enum Gzip {
    /// Whether `bytes` starts with gzip's magic number `1f 8b`. Readers detect compression this way rather
    /// than by the file's extension.
    static func isCompressed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The decompressed contents of the gzip file at `path`, in memory.
    public static func decompress(path: String) throws -> [UInt8] {
        let file = try MappedFile(path: path)
        return try decompress(file.bytes, path: path)
    }

    /// Decompresses the gzip file at `path` into a new file at `destination`, one chunk at a time (the whole
    /// decompressed file is never in memory), then flushes it to disk (`fsync`). `destination` must not exist.
    /// Write failures throw `DataError.unreadable` naming `destination`; on any failure the partial output is
    /// removed.
    public static func decompress(path: String, to destination: String) throws {
        let file = try MappedFile(path: path)
        try decompress(file.bytes, path: path, to: destination)
    }

    /// Decompresses `compressed` (the contents of `path`, which names it in errors) into a new file at
    /// `destination`; see `decompress(path:to:)`.
    static func decompress(_ compressed: UnsafeRawBufferPointer, path: String, to destination: String) throws {
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DataError.unreadable(path: destination, problem: "cannot create: \(currentErrorText())")
        }
        var finished = false
        defer {
            close(descriptor)
            if !finished { unlink(destination) }
        }
        try inflate(compressed, path: path) { chunk in try writeAll(chunk, to: descriptor, path: destination) }
        guard fsync(descriptor) == 0 else {
            throw DataError.unreadable(path: destination, problem: "cannot flush to disk: \(currentErrorText())")
        }
        finished = true
    }

    /// Decompresses `compressed` (the contents of `path`, which names it in errors) into memory.
    static func decompress(_ compressed: UnsafeRawBufferPointer, path: String) throws -> [UInt8] {
        var result = [UInt8]()
        // The gzip trailer's last 4 bytes hold the decompressed size modulo 2³², a good first reservation;
        // deflate cannot expand more than 1032-fold, which bounds it if the trailer is damaged.
        if compressed.count >= 18 {
            let declared = UInt32(
                littleEndian: compressed.loadUnaligned(fromByteOffset: compressed.count - 4, as: UInt32.self))
            result.reserveCapacity(min(Int(declared), 1032 * compressed.count))
        }
        try inflate(compressed, path: path) { chunk in result.append(contentsOf: chunk) }
        return result
    }

    /// Runs `inflate` over `compressed`, handing each decompressed chunk (at most 256 KiB) to `sink`.
    static func inflate(
        _ compressed: UnsafeRawBufferPointer, path: String, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else {
            throw DataError.corruptCompression(path: path, problem: "zlib could not start inflating (out of memory?)")
        }
        defer { inflateEnd(&stream) }
        let chunkSize = 1 << 18
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { output.deallocate() }
        guard let base = compressed.baseAddress else { throw DataError.empty(path: path) }
        var fed = 0  // bytes of `compressed` handed to zlib so far (avail_in is 32-bit, so feed ≤ 1 GiB at a time)
        while true {
            if stream.avail_in == 0 && fed < compressed.count {
                let count = min(compressed.count - fed, 1 << 30)
                stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self) + fed)
                stream.avail_in = UInt32(count)
                fed += count
            }
            stream.next_out = output
            stream.avail_out = UInt32(chunkSize)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let produced = chunkSize - Int(stream.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(start: output, count: produced)) }
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                let consumed = fed - Int(stream.avail_in)
                let rest = UnsafeRawBufferPointer(rebasing: compressed[consumed...])
                guard isCompressed(rest) else { return }
                guard inflateReset(&stream) == Z_OK else {
                    throw DataError.corruptCompression(path: path, problem: "zlib could not restart")
                }
            case Z_BUF_ERROR where stream.avail_in == 0 && fed == compressed.count:
                throw DataError.corruptCompression(
                    path: path,
                    problem: "truncated gzip data: the file ends after \(compressed.count) bytes in the middle of "
                        + "the compressed stream; the copy is incomplete, so fetch or compress it again")
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw DataError.corruptCompression(
                    path: path, problem: "corrupt gzip data (zlib: \(detail)); the file is damaged, fetch it again")
            }
        }
    }

    /// Writes all of `chunk` to `descriptor`, retrying partial writes and interrupted calls.
    static func writeAll(_ chunk: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        var written = 0
        while written < chunk.count {
            let result = write(descriptor, chunk.baseAddress! + written, chunk.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw DataError.unreadable(path: path, problem: "cannot write: \(currentErrorText())")
            }
            written += result
        }
    }
}
