import Foundation

/// What the ranks (threads) of one `InProcessCluster` job share: the collectives in flight, by sequence
/// number, and how the job failed, if it did.
///
/// Every rank numbers its collectives 0, 1, 2, ... in the order it calls them (the protocol's rule is that
/// every rank calls the same collectives in the same order). A collective is a round: each rank posts its
/// input and the name of what it called; the last rank to post checks that the names agree and runs the
/// combining function over the inputs in rank order, which leaves one output per rank (or one for all);
/// each rank takes its output, and the round is forgotten when all have. Rounds complete in sequence order,
/// because a rank posts round k + 1 only after round k, and they may overlap (non-blocking collectives).
///
/// A rank that throws from its body, a mismatch between the ranks' calls, or a rank that returns while the
/// others wait for it in a round marks the world failed: every rank waiting in, or later posting to, an
/// unfinished round throws an `InProcessClusterError` naming the cause. Nothing waits on time.
final class InProcessWorld: @unchecked Sendable {
    // @unchecked: every mutable property is touched only while `condition` is locked.
    let size: Int
    let ranksPerHost: Int
    private let condition = NSCondition()
    private var rounds: [Int: Round] = [:]
    private var failure: InProcessClusterError.Cause?
    private var finished: [Bool]
    private var steps: [Int?]

    /// One collective, from the first post to the last take.
    private final class Round {
        var names: [String?]
        var inputs: [Any?]
        /// One per rank, or one shared by all; nil until every rank has posted.
        var outputs: [Any]?
        var untaken: Int

        init(size: Int) {
            names = [String?](repeating: nil, count: size)
            inputs = [Any?](repeating: nil, count: size)
            untaken = size
        }
    }

    init(size: Int, ranksPerHost: Int) {
        self.size = size
        self.ranksPerHost = ranksPerHost
        finished = [Bool](repeating: false, count: size)
        steps = [Int?](repeating: nil, count: size)
    }

    /// Posts `rank`'s input to round `sequence`. The last rank to post runs `combine` over the inputs in
    /// rank order (every rank passes the same function). Throws at once when the job has already failed.
    func post(
        rank: Int, sequence: Int, name: String, input: Any, combine: ([Any]) -> [Any]
    ) throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw InProcessClusterError(cause: failure, rank: rank, collective: name) }
        let round = rounds[sequence] ?? Round(size: size)
        rounds[sequence] = round
        round.names[rank] = name
        round.inputs[rank] = input
        guard round.names.allSatisfy({ $0 != nil }) else { return }
        let names = round.names.map { $0! }
        if Set(names).count != 1 {
            fail(.mismatch(sequence: sequence, calls: names))
            throw InProcessClusterError(cause: failure!, rank: rank, collective: name)
        }
        let outputs = combine(round.inputs.map { $0! })
        precondition(outputs.count == 1 || outputs.count == size, "\(name): \(outputs.count) outputs for \(size)")
        round.outputs = outputs
        round.inputs = []
        condition.broadcast()
    }

    /// Waits for round `sequence` to complete and returns `rank`'s output.
    func take(rank: Int, sequence: Int) throws -> Any {
        condition.lock()
        defer { condition.unlock() }
        while true {
            guard let round = rounds[sequence] else {
                preconditionFailure("rank \(rank) takes round \(sequence) that it never posted or already took")
            }
            if let outputs = round.outputs {
                round.untaken -= 1
                if round.untaken == 0 { rounds[sequence] = nil }
                return outputs.count == 1 ? outputs[0] : outputs[rank]
            }
            try throwIfFailed(round, rank: rank, sequence: sequence)
            condition.wait()
        }
    }

    /// Whether round `sequence` has completed (its output is ready for `take`); throws when it never will.
    func isComplete(rank: Int, sequence: Int) throws -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let round = rounds[sequence] else { preconditionFailure("round \(sequence) is not in flight") }
        if round.outputs != nil { return true }
        try throwIfFailed(round, rank: rank, sequence: sequence)
        return false
    }

    /// Throws when the unfinished `round` never will finish: the job has failed, or a rank that has not posted
    /// to it has returned. Called with the lock held.
    private func throwIfFailed(_ round: Round, rank: Int, sequence: Int) throws {
        if failure == nil, let absent = (0..<size).first(where: { finished[$0] && round.names[$0] == nil }) {
            fail(.rankReturned(rank: absent, sequence: sequence))
        }
        if let failure {
            throw InProcessClusterError(
                cause: failure, rank: rank, collective: round.names[rank] ?? "collective #\(sequence)")
        }
    }

    /// Records the step `rank` is at, for the failure messages of the others.
    func setStep(_ step: Int, rank: Int) {
        condition.lock()
        steps[rank] = step
        condition.unlock()
    }

    /// `rank`'s body returned: a round still waiting for it can never complete.
    func finish(rank: Int) {
        condition.lock()
        finished[rank] = true
        condition.broadcast()
        condition.unlock()
    }

    /// `rank`'s body threw `error`: every unfinished round fails, naming it. The first failure is kept (a
    /// rank that fails because another did reports that one).
    func finish(rank: Int, throwing error: any Error) {
        condition.lock()
        finished[rank] = true
        if !(error is InProcessClusterError) {
            fail(.rankFailed(rank: rank, step: steps[rank], reason: "\(error)"))
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Called with the lock held.
    private func fail(_ cause: InProcessClusterError.Cause) {
        if failure == nil { failure = cause }
        condition.broadcast()
    }
}

/// Why a collective of an `InProcessCluster` job could not complete, as seen by one rank.
public struct InProcessClusterError: Error, CustomStringConvertible, Equatable {
    public enum Cause: Sendable, Equatable {
        /// `rank` threw from its body (at `step`, when it had called `beginStep`) with `reason`.
        case rankFailed(rank: Int, step: Int?, reason: String)
        /// The ranks called different collectives as their collective number `sequence`: `calls[r]` is rank
        /// r's call.
        case mismatch(sequence: Int, calls: [String])
        /// `rank` returned from its body without calling collective number `sequence`.
        case rankReturned(rank: Int, sequence: Int)
    }

    public let cause: Cause
    /// The rank that threw this error.
    public let rank: Int
    /// What that rank was calling.
    public let collective: String

    /// The rank whose failure or early return ended the job; nil for a mismatch.
    public var failedRank: Int? {
        switch cause {
        case .rankFailed(let rank, _, _), .rankReturned(let rank, _): rank
        case .mismatch: nil
        }
    }

    public var description: String {
        let prefix = "rank \(rank): \(collective) cannot complete: "
        switch cause {
        case .rankFailed(let failed, let step, let reason):
            return prefix + "rank \(failed) failed" + (step.map { " at step \($0)" } ?? "") + ": \(reason)"
        case .mismatch(let sequence, let calls):
            let listed = calls.enumerated().map { "rank \($0.offset) called \($0.element)" }
            return prefix + "the ranks' collective #\(sequence) differs: " + listed.joined(separator: ", ")
        case .rankReturned(let returned, let sequence):
            return prefix + "rank \(returned) returned without calling its collective #\(sequence)"
        }
    }
}
