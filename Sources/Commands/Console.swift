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
