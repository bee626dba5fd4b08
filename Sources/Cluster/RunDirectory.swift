import Foundation

/// The directory one training run writes (on rank 0 only), laid out as in docs/architecture.md:
///
///     runs/NAME/
///       config.yaml          the resolved config, every default filled in
///       run.json             world size, hosts, seeds, versions, start/end, exit status
///       metrics.jsonl        one record per logged step and per evaluation
///       ranks/rank-0003.jsonl each rank's own log records, gathered over MPI
///       checkpoints/step-000100.safetensors, latest -> ...
public struct RunDirectory: Sendable {
    public let path: String

    public init(existing path: String) throws(RunDirectoryError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notARunDirectory(path, "no such directory")
        }
        self.path = path
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw .notARunDirectory(path, "it has no config.yaml")
        }
    }

    /// Creates `parent/name`, or `parent/name-2`, `-3`, ... if that exists, so a new run never
    /// overwrites an old one.
    public static func create(parent: String, name: String) throws(RunDirectoryError) -> RunDirectory {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(parent, error.localizedDescription)
        }
        var candidate = (parent as NSString).appendingPathComponent(name)
        var suffix = 2
        while true {
            // mkdir is atomic: of two processes racing for the same name, one gets EEXIST and moves on.
            if mkdir(candidate, 0o755) == 0 { break }
            guard errno == EEXIST else { throw .cannotCreate(candidate, String(cString: strerror(errno))) }
            candidate = (parent as NSString).appendingPathComponent("\(name)-\(suffix)")
            suffix += 1
        }
        let run = RunDirectory(unchecked: candidate)
        for sub in [run.ranksPath, run.checkpointsPath] {
            do {
                try manager.createDirectory(atPath: sub, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreate(sub, error.localizedDescription)
            }
        }
        return run
    }

    private init(unchecked path: String) {
        self.path = path
    }

    public var name: String { (path as NSString).lastPathComponent }
    public var configPath: String { file("config.yaml") }
    public var runInfoPath: String { file("run.json") }
    public var metricsPath: String { file("metrics.jsonl") }
    public var ranksPath: String { file("ranks") }
    public var checkpointsPath: String { file("checkpoints") }
    public var latestCheckpointPath: String { (checkpointsPath as NSString).appendingPathComponent("latest") }

    /// `ranks/rank-NNNN.jsonl`.
    public func rankLogPath(_ rank: Int) -> String {
        (ranksPath as NSString).appendingPathComponent("rank-" + Self.padded(rank, 4) + ".jsonl")
    }

    /// `checkpoints/step-NNNNNN.safetensors`.
    public func checkpointPath(step: Int) -> String {
        (checkpointsPath as NSString).appendingPathComponent(Self.checkpointFileName(step: step))
    }

    public static func checkpointFileName(step: Int) -> String {
        "step-" + padded(step, 6) + ".safetensors"
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Why a run directory could not be opened or created.
public enum RunDirectoryError: Error, CustomStringConvertible {
    case notARunDirectory(String, String)
    case cannotCreate(String, String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .notARunDirectory(let path, let why): "\(path): not a Partita run directory: \(why)"
        case .cannotCreate(let path, let why): "\(path): cannot create directory: \(why)"
        case .cannotWrite(let path, let why): "\(path): cannot write: \(why)"
        }
    }
}

/// Appends lines to a file, flushing each one so `partita logs --follow` and a crash both see every
/// complete line. Lines are written with one `write(2)` each on an `O_APPEND` descriptor.
public final class LineWriter {
    public let path: String
    private let descriptor: Int32

    public init(path: String, truncate: Bool = false) throws(RunDirectoryError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path, String(cString: strerror(errno))) }
    }

    deinit { close(descriptor) }

    /// Appends `line` and a newline.
    public func append(_ line: String) throws(RunDirectoryError) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path, String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
