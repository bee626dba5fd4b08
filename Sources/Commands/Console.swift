import Cluster
import Foundation
import Logging

/// Writing to the terminal: standard error for messages and progress, standard output for results.
enum Console {
    /// Whether standard error is a terminal (then progress is drawn as a bar).
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func output(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }
}

/// A swift-log handler that prints `level: message key=value` to standard error (prefixed with the rank when
/// there are several) and can also append every record as a JSON line to this rank's log file.
struct ConsoleLogHandler: LogHandler {
    /// The level of the records written to the rank's log file (info, or lower if the console asks for it).
    var logLevel: Logger.Level
    /// The level from which records are also printed.
    let consoleLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let rank: Int
    let worldSize: Int
    /// Where this rank's records also go, as JSON lines (`ranks/rank-NNNN.jsonl`), when set.
    let records: RecordSink?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }.joined(separator: " ")
        if event.level >= consoleLevel {
            let prefix = worldSize > 1 ? "[rank \(rank)] " : ""
            Console.error(prefix + "\(event.level): \(event.message)" + (fields.isEmpty ? "" : " " + fields))
        }
        records?.append(
            LogRecord(
                time: Date().timeIntervalSince1970, rank: rank, level: event.level.rawValue,
                message: "\(event.message)",
                metadata: merged.mapValues { "\($0)" }))
    }
}

/// Collects this rank's log records in memory until a run directory exists, then appends them to its file.
final class RecordSink: @unchecked Sendable {
    // A lock because swift-log may call handlers from any thread; Partita itself logs from one.
    private let lock = NSLock()
    private var pending: [LogRecord] = []
    private var writer: LineWriter?

    func append(_ record: LogRecord) {
        lock.lock()
        defer { lock.unlock() }
        if let writer { try? writer.append(record.jsonLine) } else { pending.append(record) }
    }

    /// From now on records go to `path`; those collected so far are written first.
    func attach(path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let writer = try LineWriter(path: path)
        for record in pending { try writer.append(record.jsonLine) }
        pending.removeAll()
        self.writer = writer
    }
}
