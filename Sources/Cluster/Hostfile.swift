import Foundation

/// An Open MPI hostfile: one host per line, `host [slots=N] [max_slots=N]`, `#` comments.
///
/// Parsed and checked before `mpirun` sees it, so that a typo or an unknown host is one clear line instead
/// of a hang while mpirun tries to ssh somewhere.
public struct Hostfile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let host: String
        /// Ranks the host may run; Open MPI takes 1 when the line gives none.
        public let slots: Int
        public let line: Int
    }

    public let path: String
    public let entries: [Entry]

    public var totalSlots: Int { entries.reduce(0) { $0 + $1.slots } }

    /// Parses `text` (the contents of `path`).
    public static func parse(_ text: String, path: String) throws(HostfileError) -> Hostfile {
        var entries = [Entry]()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let host = words.first else { continue }
            var slots = 1
            for word in words.dropFirst() {
                let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, ["slots", "max_slots", "max-slots"].contains(parts[0]) else {
                    throw HostfileError(path: path, line: line, problem: "unexpected '\(word)' (expected slots=N)")
                }
                guard let value = Int(parts[1]), value > 0 else {
                    throw HostfileError(
                        path: path, line: line, problem: "\(parts[0]) must be a positive integer, got '\(parts[1])'")
                }
                if parts[0] == "slots" { slots = value }
            }
            if let previous = entries.first(where: { $0.host == host }) {
                throw HostfileError(
                    path: path, line: line, problem: "host '\(host)' is already listed on line \(previous.line)")
            }
            entries.append(Entry(host: host, slots: slots, line: line))
        }
        guard !entries.isEmpty else { throw HostfileError(path: path, line: nil, problem: "no hosts listed") }
        return Hostfile(path: path, entries: entries)
    }

    /// Reads and parses a hostfile.
    public static func read(path: String) throws(HostfileError) -> Hostfile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw HostfileError(
                path: path, line: nil,
                problem: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        return try parse(text, path: path)
    }

    /// Throws for the first host whose name does not resolve to an address (`getaddrinfo`).
    public func checkHostsResolve() throws(HostfileError) {
        for entry in entries where !Self.resolves(entry.host) {
            throw HostfileError(
                path: path, line: entry.line,
                problem: "unknown host '\(entry.host)': the name does not resolve to an address (check the spelling, "
                    + "DNS or /etc/hosts)")
        }
    }

    static func resolves(_ host: String) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        return status == 0
    }
}

/// A hostfile that cannot be used.
public struct HostfileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let line: Int?
    public let problem: String

    public init(path: String, line: Int?, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}
