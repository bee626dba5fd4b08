public import Cluster

/// Which log records `partita logs` shows: one rank, a minimum level, and a text to look for.
public struct LogFilter: Sendable {
    /// swift-log's levels, least severe first; `level` keeps records at its position and after.
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public var rank: Int?
    /// The least severe level shown (a swift-log level name), or nil for all.
    public var minimumLevel: String?
    /// Shown records contain this text (case-sensitive) in their formatted line.
    public var text: String?

    public init(rank: Int? = nil, minimumLevel: String? = nil, text: String? = nil) {
        self.rank = rank
        self.minimumLevel = minimumLevel
        self.text = text
    }

    public func accepts(_ record: LogRecord) -> Bool {
        if let rank, record.rank != rank { return false }
        if let minimumLevel, let threshold = Self.levels.firstIndex(of: minimumLevel) {
            // A level this version does not know is shown rather than hidden.
            if let position = Self.levels.firstIndex(of: record.level), position < threshold { return false }
        }
        if let text, !text.isEmpty, !LogFormat.line(record).contains(text) { return false }
        return true
    }
}
