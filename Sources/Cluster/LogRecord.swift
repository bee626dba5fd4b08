/// One log message of one rank, as stored in `ranks/rank-NNNN.jsonl` and shown by `partita logs`.
public struct LogRecord: Sendable, Equatable {
    /// Seconds since 1970 (UTC), with sub-millisecond precision.
    public var time: Double
    public var rank: Int
    /// A swift-log level name: trace, debug, info, notice, warning, error, critical.
    public var level: String
    public var message: String
    /// The training step when the message was logged, if any.
    public var step: Int?
    public var metadata: [String: String]

    public init(
        time: Double, rank: Int, level: String, message: String, step: Int? = nil, metadata: [String: String] = [:]
    ) {
        self.time = time
        self.rank = rank
        self.level = level
        self.message = message
        self.step = step
        self.metadata = metadata
    }

    /// The record as one JSON line; metadata keys sorted.
    public var jsonLine: String {
        var line = JSONLine()
        line.add("time", time)
        line.add("rank", rank)
        line.add("level", level)
        line.add("message", message)
        if let step { line.add("step", step) }
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { JSONLine.quoted($0) + ":" + JSONLine.quoted(metadata[$0]!) }
            line.add("metadata", raw: "{" + fields.joined(separator: ",") + "}")
        }
        return line.description
    }
}
