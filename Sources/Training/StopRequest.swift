import Foundation
import Synchronization

/// A request to end training early, at a step boundary, made from outside the training loop: `Commands`
/// turns SIGINT and SIGTERM into one (see docs/distributed.md).
///
/// Every rank reads its own request once per step and the ranks combine them in the loss all-reduce the step
/// already makes (`votes` are summed there, `agreed(_:)` reads the sum), so all ranks stop after the same step
/// even when only one was signalled; rank 0 then writes a checkpoint and `run.json` says "interrupted". Safe to
/// set from any thread.
public final class StopRequest: Sendable {
    /// The signals a request can carry, in the order of `votes`. The corresponding C constants are `SIGINT`
    /// and `SIGTERM`.
    public static let signals: [Int32] = [SIGINT, SIGTERM]

    private let signalNumber = Atomic<Int32>(0)

    public init() {}

    /// Records `signal` (one of `signals`); the first request wins.
    public func request(signal: Int32) {
        _ = signalNumber.compareExchange(expected: 0, desired: signal, ordering: .sequentiallyConsistent)
    }

    /// The signal of the first request, nil while there is none.
    public var signal: Int32? {
        let value = signalNumber.load(ordering: .sequentiallyConsistent)
        return value == 0 ? nil : value
    }

    /// This rank's vote, one count per entry of `signals`: 1 for the requested signal, 0 elsewhere.
    public var votes: [Double] { Self.signals.map { $0 == signal ? 1 : 0 } }

    /// No request: zeros, for a trainer without a `StopRequest`.
    public static var noVotes: [Double] { Array(repeating: 0, count: signals.count) }

    /// The signal the ranks agree to stop for, from the summed votes: nil when nobody asked, else the last
    /// of `signals` that any rank received (SIGTERM over SIGINT), the same on every rank.
    public static func agreed<C: Collection<Double>>(_ summedVotes: C) -> Int32? {
        Array(zip(signals, summedVotes)).last { $0.1 > 0 }?.0
    }

    /// `SIGINT`, `SIGTERM`, or the number.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}

/// Training stopped early on request (`StopRequest`), after `step`, with a checkpoint of that step. Every rank
/// throws it at the same step. Commands ends the process with status 128 + `signal` (130, 143).
public struct TrainingInterrupted: Error, CustomStringConvertible {
    public let step: Int
    public let signal: Int32
    /// The run directory (coordinator only), to name the `--resume` that continues it.
    public let runDirectory: String?

    public init(step: Int, signal: Int32, runDirectory: String?) {
        self.step = step
        self.signal = signal
        self.runDirectory = runDirectory
    }

    public var description: String {
        var text = "interrupted by \(StopRequest.name(signal)) after step \(step)"
        if let runDirectory { text += "; checkpoint written, continue with: partita train --resume \(runDirectory)" }
        return text
    }
}
