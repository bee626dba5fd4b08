import Foundation

/// This rank's log records waiting to be sent to the coordinator.
///
/// The logging handler appends records as they are logged (from any thread); the trainer drains them at
/// its synchronization points and gathers them at rank 0, which writes `ranks/rank-NNNN.jsonl`. No shared
/// disk is needed: the records travel over the communicator.
public final class LogRecordBuffer: @unchecked Sendable {
    // @unchecked: `pending` is only touched under `lock`.
    private let lock = NSLock()
    private var pending: [LogRecord] = []

    public init() {}

    public func append(_ record: LogRecord) {
        lock.withLock { pending.append(record) }
    }

    /// Removes and returns every pending record, oldest first.
    public func drain() -> [LogRecord] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }

    /// The pending records as the payload of one gather: JSON lines separated by newlines.
    public func drainPayload() -> [UInt8] {
        Array(drain().map(\.jsonLine).joined(separator: "\n").utf8)
    }
}

/// The coordinator's side of log gathering, as a pure state machine: it is fed the payloads gathered from
/// all ranks and answers with the lines to append to each rank's file. It keeps per-rank counts for the
/// run summary. The caller does the I/O.
public struct RankLogCollector: Sendable {
    /// What the caller must do with a gathered batch.
    public enum Action: Equatable, Sendable {
        /// Append these JSON lines to `ranks/rank-NNNN.jsonl` of `rank`.
        case append(rank: Int, lines: [String])
        /// A rank sent bytes that are not UTF-8 JSON lines; note it in the coordinator's own log.
        case malformed(rank: Int, byteCount: Int)
    }

    public private(set) var recordCounts: [Int]

    public init(worldSize: Int) {
        recordCounts = [Int](repeating: 0, count: worldSize)
    }

    /// One gather's payloads, indexed by rank.
    public mutating func received(_ payloads: [[UInt8]]) -> [Action] {
        precondition(
            payloads.count == recordCounts.count,
            "RankLogCollector: \(payloads.count) payloads for \(recordCounts.count) ranks")
        var actions = [Action]()
        for (rank, payload) in payloads.enumerated() where !payload.isEmpty {
            guard let text = String(validating: payload, as: UTF8.self) else {
                actions.append(.malformed(rank: rank, byteCount: payload.count))
                continue
            }
            let lines = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
            if lines.isEmpty { continue }
            recordCounts[rank] += lines.count
            actions.append(.append(rank: rank, lines: lines))
        }
        return actions
    }
}
