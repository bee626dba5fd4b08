import Foundation

/// A job of N ranks as N threads of this process, each with an `InProcessCommunicator`: multi-rank code
/// (data-parallel steps, log gathering, collective checks) runs under `swift test` in milliseconds, through
/// the real `Communicator` protocol, with deterministic results (see `InProcessCommunicator`).
///
///     let sums = try InProcessCluster.run(ranks: 3) { communicator in
///         var x = [Double(communicator.rank + 1)]
///         try communicator.allReduce(&x, .sum)
///         return x[0]                                  // 6.0 on every rank
///     }
///
/// Each rank runs `body` on a thread of its own (never a shared pool, whose few threads could all block in
/// one collective). A rank that throws makes the collectives of the others throw an `InProcessClusterError`
/// naming it, so no rank is left waiting.
public enum InProcessCluster {
    /// Runs `body` on `ranks` ranks and returns each rank's result, in rank order; when a rank throws,
    /// rethrows the error of the failure that ended the job (the lowest such rank's; the other ranks'
    /// consequent `InProcessClusterError`s are dropped).
    ///
    /// - Parameter ranksPerHost: ranks per simulated host (host names `in-process-0`, `in-process-1`, ...):
    ///   the `SharedSum` has one shared block per host and sums across hosts; default all on one host.
    public static func run<Value: Sendable>(
        ranks: Int, ranksPerHost: Int? = nil, _ body: @escaping @Sendable (InProcessCommunicator) throws -> Value
    ) throws -> [Value] {
        let outcomes = outcomes(ranks: ranks, ranksPerHost: ranksPerHost, body)
        if let cause = rootCause(outcomes) { throw cause }
        return try outcomes.map { try $0.get() }
    }

    /// Runs `body` on `ranks` ranks and returns what each rank returned or threw, in rank order.
    public static func outcomes<Value: Sendable>(
        ranks: Int, ranksPerHost: Int? = nil, _ body: @escaping @Sendable (InProcessCommunicator) throws -> Value
    ) -> [Result<Value, any Error>] {
        precondition(ranks >= 1, "InProcessCluster: \(ranks) ranks")
        let perHost = ranksPerHost ?? ranks
        precondition(perHost >= 1, "InProcessCluster: \(perHost) ranks per host")
        let world = InProcessWorld(size: ranks, ranksPerHost: perHost)
        let collected = Outcomes<Value>(count: ranks)
        let group = DispatchGroup()
        for rank in 0..<ranks {
            group.enter()
            let thread = Thread {
                let communicator = InProcessCommunicator(world: world, rank: rank)
                let outcome = Result { try body(communicator) }
                switch outcome {
                case .success: world.finish(rank: rank)
                case .failure(let error): world.finish(rank: rank, throwing: error)
                }
                collected.set(rank, outcome)
                group.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        group.wait()
        return collected.all()
    }

    /// The error that ended the job: the lowest rank's that is not an `InProcessClusterError` caused by
    /// another rank's failure.
    static func rootCause<Value>(_ outcomes: [Result<Value, any Error>]) -> (any Error)? {
        let errors = outcomes.compactMap { outcome -> (any Error)? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        func consequent(_ error: any Error) -> Bool {
            guard let error = error as? InProcessClusterError, case .rankFailed = error.cause else { return false }
            return true
        }
        return errors.first { !consequent($0) } ?? errors.first
    }

    /// The ranks' outcomes, written by their threads.
    private final class Outcomes<Value: Sendable>: @unchecked Sendable {
        // @unchecked: `values` is only touched under `lock`.
        private let lock = NSLock()
        private var values: [Result<Value, any Error>?]

        init(count: Int) {
            values = [Result<Value, any Error>?](repeating: nil, count: count)
        }

        func set(_ rank: Int, _ outcome: Result<Value, any Error>) {
            lock.withLock { values[rank] = outcome }
        }

        func all() -> [Result<Value, any Error>] {
            lock.withLock { values.map { $0! } }
        }
    }
}
