#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#endif

/// What `stat` says about a regular file: enough to tell whether it changed since it was last seen.
struct FileStatus: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int
    var modificationSeconds: Int
    var modificationNanoseconds: Int
}

extension FileStatus {
    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modificationSeconds = Int(info.st_mtim.tv_sec)
        modificationNanoseconds = Int(info.st_mtim.tv_nsec)
    }

    /// The status of the file at `path`, following symbolic links; `nil` if it does not exist or cannot be
    /// examined.
    static func of(path: String) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }
}

/// The text of the current `errno`, for messages (`strerror`).
func currentErrorText() -> String {
    String(cString: strerror(errno))
}

/// A whole file mapped read-only into memory (`open`, `fstat`, `mmap(PROT_READ, MAP_SHARED)`); unmapped
/// (`munmap`) in `deinit`.
///
/// The mapping shares the kernel's page cache, so several MPI ranks on one host that map the same data file
/// hold one copy of it in memory, and pages are read from disk only when first touched. The file must not be
/// truncated by someone else while it is mapped (reading a vanished page raises `SIGBUS`); Partita's own
/// cache files are only ever replaced by `rename`, which leaves existing mappings intact.
///
/// `@unchecked Sendable`: the mapping is read-only (`PROT_READ`) and its address and length never change
/// after `init`, so concurrent reads from any thread are safe; `deinit` runs only when no reference is left.
final class MappedFile: @unchecked Sendable {
    /// The path as given, for messages.
    let path: String
    /// The file's bytes, valid for the lifetime of this object.
    let bytes: UnsafeRawBufferPointer
    /// The file's identity and modification time when it was mapped.
    let status: FileStatus

    /// Maps the file at `path`. Throws `DataError.missing` if it does not exist, `.empty` if it has zero bytes
    /// (a zero-length `mmap` is invalid), `.unreadable` for anything else the system refuses.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw DataError.missing(path: path, problem: "no such file") }
            throw DataError.unreadable(path: path, problem: "cannot open: \(currentErrorText())")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw DataError.unreadable(path: path, problem: "cannot stat: \(currentErrorText())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw DataError.unreadable(path: path, problem: "not a regular file (a directory or a device?)")
        }
        let status = FileStatus(info)
        guard status.size > 0 else { throw DataError.empty(path: path) }
        let address = mmap(nil, status.size, PROT_READ, MAP_SHARED, descriptor, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw DataError.unreadable(path: path, problem: "cannot memory-map: \(currentErrorText())")
        }
        self.path = path
        self.bytes = UnsafeRawBufferPointer(start: address, count: status.size)
        self.status = status
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}
