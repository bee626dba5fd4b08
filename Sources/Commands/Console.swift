import Cluster
import Foundation
import Logging

/// Writing to the terminal: standard error for messages and progress, standard output for results.
enum Console {
    /// Whether standard error is a terminal (then progress is drawn as a bar).
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func error(_ text: String) {
        write(text + "\n", to: STDERR_FILENO)
    }

    static func output(_ text: String, terminator: String = "\n") {
        write(text + terminator, to: STDOUT_FILENO)
    }

    /// `write(2)` until done; a stream that is gone (EPIPE once SIGPIPE is ignored, see `InterruptSignals`)
    /// loses the text instead of trapping, as `FileHandle.write` would.
    static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
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
    /// Where this rank's records also go, to be gathered into `ranks/rank-NNNN.jsonl` by the coordinator.
    let records: LogRecordBuffer

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
        records.append(
            LogRecord(
                time: Date().timeIntervalSince1970, rank: rank, level: event.level.rawValue,
                message: "\(event.message)",
                metadata: merged.mapValues { "\($0)" }))
    }
}
