import Foundation

/// Reading a `.jsonl` file of the run directory: one JSON object per line.
///
/// Every writer appends whole lines (one `write(2)` each), so the only damage a reader expects is a
/// truncated last line after a crash or a full disk. That line is skipped and reported, and every complete
/// record before it is kept: a report of a crashed run is the one most worth reading.
public enum JSONLines {
    /// The records of a file, and what was skipped.
    public struct Contents: Sendable {
        public var records: [JSONValue]
        /// One sentence per problem, naming the file as `name` (e.g. "1 truncated line in metrics.jsonl was
        /// skipped").
        public var notes: [String]
    }

    /// Reads `path`, naming it `name` in notes. Nil when the file does not exist; a file that exists but
    /// cannot be read gives no records and a note.
    public static func read(path: String, name: String) -> Contents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            return Contents(records: [], notes: ["\(name) could not be read; skipped"])
        }
        return parse(String(decoding: data, as: UTF8.self), name: name)
    }

    /// Parses the text of a `.jsonl` file: blank lines are ignored; a last line without its newline that is
    /// not valid JSON counts as truncated; any other line that is not a JSON object is reported by number.
    public static func parse(_ text: String, name: String) -> Contents {
        var records: [JSONValue] = []
        var malformed: [Int] = []
        var truncated = false
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The part after the last newline: empty for a whole file, else a line cut short unless it parses.
        let unterminated = lines.removeLast()
        let numbered = lines.enumerated().filter { !$0.element.allSatisfy(\.isWhitespace) }
        for (index, line) in numbered {
            let value = JSONValue(parsing: line)
            if let value, value.object != nil { records.append(value) } else { malformed.append(index + 1) }
        }
        if !unterminated.allSatisfy(\.isWhitespace) {
            if let value = JSONValue(parsing: unterminated), value.object != nil {
                records.append(value)
            } else {
                truncated = true
            }
        }
        var notes: [String] = []
        if truncated { notes.append("1 truncated line in \(name) was skipped") }
        if !malformed.isEmpty {
            let list =
                malformed.prefix(5).map(String.init).joined(separator: ", ") + (malformed.count > 5 ? ", ..." : "")
            let count = malformed.count
            notes.append("\(count) line\(count == 1 ? "" : "s") of \(name) (line \(list)) not valid JSON; skipped")
        }
        return Contents(records: records, notes: notes)
    }

    /// Reads a whole-file JSON object (`run.json`, `export/export.json`, ...): nil and no note when missing,
    /// nil and a note when it is not a JSON object.
    public static func readObject(path: String, name: String, notes: inout [String]) -> JSONValue? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
            let value = JSONValue(parsing: String(decoding: data, as: UTF8.self)), value.object != nil
        else {
            notes.append("\(name) is not a readable JSON object; its section is left out")
            return nil
        }
        return value
    }
}
