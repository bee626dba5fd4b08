public import Cluster
import Foundation

/// Reads every rank's log file (`ranks/rank-NNNN.jsonl`) of a run directory, incrementally: each call to
/// `readNew()` returns the complete records appended since the last call, merged in time order.
///
/// The same reader serves `partita logs` (one call), `partita logs --follow` (a call per poll, so rank files
/// that appear later are picked up) and the report. A line still being written has no newline yet; it is
/// kept back until its newline arrives, or counted as truncated by `finish()` when nothing more will come.
public struct RankLogReader: Sendable {
    public let directory: RunDirectory
    private var files: [Int: FileState] = [:]
    private var notes: [String] = []
    private var sequence = 0

    struct FileState: Sendable {
        var offset: UInt64 = 0
        var pending: [UInt8] = []
        var lineNumber = 0
        var malformed: [Int] = []
    }

    public init(directory: RunDirectory) {
        self.directory = directory
    }

    /// The records appended to any rank file since the last call, sorted by time (ties by rank, then by
    /// their order in the file).
    public mutating func readNew() -> [LogRecord] {
        var batch: [(record: LogRecord, order: Int)] = []
        for rank in rankFiles() {
            var state = files[rank] ?? FileState()
            let lines = Self.newLines(path: directory.rankLogPath(rank), &state)
            let numbered = lines.enumerated().map {
                (state.lineNumber + $0.offset + 1, Substring(decoding: $0.element, as: UTF8.self))
            }
            .filter { !$0.1.allSatisfy(\.isWhitespace) }
            state.lineNumber += lines.count
            for (lineNumber, line) in numbered {
                let value = JSONValue(parsing: line)
                if let value, let record = LogRecord(json: value, fileRank: rank) {
                    batch.append((record, sequence))
                    sequence += 1
                } else {
                    state.malformed.append(lineNumber)
                }
            }
            files[rank] = state
        }
        batch.sort { a, b in
            if a.record.time != b.record.time { return a.record.time < b.record.time }
            if a.record.rank != b.record.rank { return a.record.rank < b.record.rank }
            return a.order < b.order
        }
        return batch.map(\.record)
    }

    /// Declares that nothing more will be appended: a line left without its newline is a truncated line.
    public mutating func finish() {
        for rank in files.keys.sorted() where !files[rank]!.pending.isEmpty {
            files[rank]!.pending = []
            notes.append("1 truncated line in ranks/\(fileName(rank)) was skipped")
        }
    }

    /// What was skipped so far, one sentence each; each is returned once.
    public mutating func takeNotes() -> [String] {
        for rank in files.keys.sorted() where !files[rank]!.malformed.isEmpty {
            let lines = files[rank]!.malformed
            let list = lines.prefix(5).map(String.init).joined(separator: ", ") + (lines.count > 5 ? ", ..." : "")
            notes.append(
                "\(lines.count) line\(lines.count == 1 ? "" : "s") of ranks/\(fileName(rank)) (line \(list)) "
                    + "not a log record; skipped")
            files[rank]!.malformed = []
        }
        defer { notes = [] }
        return notes
    }

    /// The name of `rank`'s file, `rank-NNNN.jsonl` (`RunDirectory.rankLogPath`).
    func fileName(_ rank: Int) -> String {
        (directory.rankLogPath(rank) as NSString).lastPathComponent
    }

    /// The ranks whose file (named as `RunDirectory.rankLogPath` names it) is in `ranks/`, in order.
    func rankFiles() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.ranksPath)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("rank-"), name.hasSuffix(".jsonl"),
                let rank = Int(name.dropFirst(5).dropLast(6)), rank >= 0, fileName(rank) == name
            else { return nil }
            return rank
        }.sorted()
    }

    /// The complete lines appended to `path` since `state.offset`; a trailing partial line stays pending.
    static func newLines(path: String, _ state: inout FileState) -> [ArraySlice<UInt8>] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: state.offset)) != nil,
            let data = try? handle.readToEnd(), !data.isEmpty
        else { return [] }
        state.offset += UInt64(data.count)
        let bytes = state.pending + Array(data)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(bytes[start..<index])
            start = index + 1
        }
        state.pending = Array(bytes[start...])
        return lines
    }
}

extension LogRecord {
    /// A record of a rank log file (see `jsonLine` for the format). Metadata values that are not strings
    /// are kept as their JSON text; the rank comes from the record, or from the file name if it has none.
    public init?(json: JSONValue, fileRank: Int) {
        guard let time = json["time"]?.number, let message = json["message"]?.string else { return nil }
        var metadata: [String: String] = [:]
        for (key, value) in json["metadata"]?.object ?? [:] { metadata[key] = value.text }
        self.init(
            time: time, rank: json["rank"]?.integer ?? fileRank, level: json["level"]?.string ?? "info",
            message: message, step: json["step"]?.integer, metadata: metadata)
    }
}
