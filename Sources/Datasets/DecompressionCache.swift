internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#endif

/// Where decompressed copies of gzip-compressed data files are kept.
///
/// A file that starts with gzip's magic bytes `1f 8b` (whatever its name) is decompressed once into a cache
/// file, and that file is memory-mapped, so later runs, and the other MPI ranks on the same host, map the same
/// decompressed bytes instead of each inflating its own copy.
///
/// A cache file is named after the source file and a hash of its absolute path (symbolic links resolved), size
/// and modification time, so a changed source gets a new cache file (old ones are not removed; deleting the
/// directory is always safe). It is written atomically: decompressed into a temporary file in the same
/// directory, flushed with `fsync`, then `rename`d into place, so concurrent ranks never see a half-written
/// file and the first complete one wins; a cache file that exists is therefore trusted. If the directory cannot
/// be created or written (read-only home, disk full), or is `nil`, the file is decompressed into memory
/// instead, silently: the data is the same, only the memory is not shared.
public enum DecompressionCache {
    /// `$PARTITA_CACHE_DIR`, else `$XDG_CACHE_HOME/partita`, else `$HOME/.cache/partita`; `nil` if none of the
    /// variables is set. The readers' default.
    public static func defaultDirectory() -> String? {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if let directory = value("PARTITA_CACHE_DIR") { return directory }
        if let directory = value("XDG_CACHE_HOME") { return directory + "/partita" }
        if let home = value("HOME") { return home + "/.cache/partita" }
        return nil
    }

    /// The cache file name for a source file: its name without `.gz`, a dash, and 16 hex digits of the
    /// FNV-1a hash of `"<absolute path>\n<size>\n<mtime seconds>.<mtime nanoseconds>"`.
    static func cacheFileName(absolutePath: String, status: FileStatus) -> String {
        let key = "\(absolutePath)\n\(status.size)\n\(status.modificationSeconds).\(status.modificationNanoseconds)"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        var name = absolutePath.split(separator: "/").last.map(String.init) ?? "data"
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let hex = String(hash, radix: 16)
        return name + "-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The path of the cache file for `file` in `directory` (the file need not exist yet).
    static func cachePath(for file: MappedFile, in directory: String) -> String? {
        guard let resolved = realpath(file.path, nil) else { return nil }
        defer { free(resolved) }
        return directory + "/" + cacheFileName(absolutePath: String(cString: resolved), status: file.status)
    }

    /// The mapped cache file in `directory` holding `file` decompressed, creating it if needed; `nil` if the
    /// cache cannot be used. Throws only when the compressed data itself is bad.
    static func cachedDecompression(of file: MappedFile, in directory: String) throws -> MappedFile? {
        guard let target = cachePath(for: file, in: directory) else { return nil }
        if let existing = try? MappedFile(path: target) { return existing }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return nil
        }
        let temporary = target + ".partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try Gzip.decompress(file.bytes, path: file.path, to: temporary)
        } catch let error as DataError {
            if case .corruptCompression = error { throw error }
            return nil
        }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            return nil
        }
        // Make the rename itself durable; failing to is harmless (the file would only be recreated).
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return try? MappedFile(path: target)
    }
}

/// Opens data files, transparently decompressing gzip ones (through `DecompressionCache`).
enum DataFile {
    /// The bytes of the file at `path`: the file itself, memory-mapped, or if it is gzip-compressed its
    /// decompressed contents (then `wasCompressed` is true, so messages can say "decompressed"), mapped from
    /// the cache in `cacheDirectory` when possible and in memory otherwise (always in memory without a
    /// `cacheDirectory`).
    ///
    /// The bytes are never empty: an empty file throws `DataError.empty` (from `MappedFile`), and a gzip file
    /// that decompresses to nothing throws `.malformed` "empty after decompression". (A cached decompression
    /// is never empty either: `MappedFile` refuses a zero-byte cache file, which sends an empty result here.)
    static func load(path: String, cacheDirectory: String?) throws -> (source: ByteSource, wasCompressed: Bool) {
        let file = try MappedFile(path: path)
        guard Gzip.isCompressed(file.bytes) else { return (.mapped(file), false) }
        if let cacheDirectory, let cached = try DecompressionCache.cachedDecompression(of: file, in: cacheDirectory) {
            return (.mapped(cached), true)
        }
        let decompressed = try Gzip.decompress(file.bytes, path: path)
        guard !decompressed.isEmpty else { throw DataError.malformed(path: path, problem: "empty after decompression") }
        return (.owned(decompressed), true)
    }
}
