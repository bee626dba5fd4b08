#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Writes files so that a reader, or a crash, never sees one half-written.
///
/// A checkpoint on disk is always whole (docs/architecture.md, "Invariants"): the bytes go to a temporary
/// file in the destination's directory (`.<name>.tmp-<pid>-<random>`), which is `fsync`ed and then renamed
/// over the destination (`rename(2)` is atomic within a file system), and finally the directory itself is
/// `fsync`ed so that the rename survives a power cut. A reader sees either the old file or the new one. On a
/// failure before the rename, the temporary file is removed and the destination is untouched.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`, atomically and durably.
    ///
    /// `Data` and `[UInt8]` are both collections of bytes. The new file gets mode `0666` less the umask. If
    /// only the final `fsync` of the directory fails, the new content is already in place but may not survive
    /// a crash; the error says so.
    ///
    /// - Throws: `CheckpointError.fileSystem` naming `path` and the step that failed.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(CheckpointError) {
        let (directory, name) = split(path)
        let temporary = temporaryPath(in: directory, for: name)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw .fileSystem(path: path, operation: "create a temporary file in '\(directory)'", errno: errno)
        }
        do throws(CheckpointError) {
            try writeAll(bytes, to: fd, path: path)
            guard fsync(fd) == 0 else {
                throw CheckpointError.fileSystem(path: path, operation: "fsync the temporary file", errno: errno)
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw .fileSystem(path: path, operation: "close the temporary file", errno: code)
        }
        try moveIntoPlace(temporary, path, directory: directory)
    }

    /// Replaces the file at `path` with the UTF-8 bytes of `string`, atomically and durably.
    ///
    /// - Throws: `CheckpointError.fileSystem` naming `path` and the step that failed.
    public static func write(string: String, to path: String) throws(CheckpointError) {
        try write(Array(string.utf8), to: path)
    }

    /// Makes `directory/name` a symbolic link to `target`, atomically replacing any link already there.
    ///
    /// Used for `checkpoints/latest -> step-000100.safetensors`: a new link is made under a temporary name and
    /// renamed over the old one, so `latest` always resolves to some whole checkpoint. `target` is stored as
    /// given; a relative target is resolved against `directory`, so the run directory can be moved. If `name`
    /// is an existing directory the rename fails and nothing changes.
    ///
    /// - Throws: `CheckpointError.fileSystem` naming `directory/name` and the step that failed.
    public static func updateSymlink(
        named name: String, in directory: String, pointingTo target: String
    ) throws(CheckpointError) {
        precondition(
            !name.isEmpty && !name.contains("/"), "updateSymlink: name '\(name)' must be one path component")
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        let temporary = temporaryPath(in: directory, for: name)
        guard symlink(target, temporary) == 0 else {
            throw .fileSystem(path: path, operation: "create a temporary link in '\(directory)'", errno: errno)
        }
        try moveIntoPlace(temporary, path, directory: directory)
    }

    // MARK: - Steps

    /// `(directory, last component)` of `path`; the directory is `"."` for a bare file name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `directory/.<name>.tmp-<pid>-<random>`: hidden, in the same directory (so the rename stays within one file
    /// system), and unique across processes (pid) and calls (64 random bits).
    static func temporaryPath(in directory: String, for name: String) -> String {
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        let file = ".\(name).tmp-\(getpid())-\(random)"
        return directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }

    /// Writes every byte, retrying short writes and `EINTR`.
    private static func writeAll(
        _ bytes: some Collection<UInt8>, to fd: Int32, path: String
    ) throws(CheckpointError) {
        let result: CheckpointError? =
            bytes.withContiguousStorageIfAvailable { writeAll($0, to: fd, path: path) }
            ?? Array(bytes).withUnsafeBufferPointer { writeAll($0, to: fd, path: path) }
        if let result { throw result }
    }

    private static func writeAll(
        _ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32, path: String
    ) -> CheckpointError? {
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return .fileSystem(path: path, operation: "write the temporary file", errno: errno)
            }
            offset += written
        }
        return nil
    }

    /// Renames `temporary` over `path` and makes the rename durable by syncing `directory`.
    private static func moveIntoPlace(
        _ temporary: String, _ path: String, directory: String
    ) throws(CheckpointError) {
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .fileSystem(path: path, operation: "rename the temporary file into place", errno: code)
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .fileSystem(
                path: path, operation: "open '\(directory)' to sync it (the new file is in place)", errno: errno)
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw .fileSystem(
                path: path, operation: "fsync '\(directory)' (the new file is in place)", errno: errno)
        }
    }
}

/// `write(2)`. At file scope, so that `AtomicFile`'s own `write` methods do not shadow it.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
