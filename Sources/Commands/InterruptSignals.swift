import Dispatch
import Foundation
import Training

/// SIGINT and SIGTERM during `partita train`: the first asks training to stop after the current step
/// (`StopRequest`: the ranks agree on the step, rank 0 writes a checkpoint, `run.json` says "interrupted",
/// the process exits with 128 + the signal, i.e. 130 or 143); a second one ends the process at once with
/// that status.
///
/// "Second" means at least `repeatAfter` seconds after the first: one termination often arrives several
/// times within milliseconds (Slurm signals every process of a job step, and Open MPI's daemon passes the
/// SIGTERM it received on to its ranks), and those copies must not cut the checkpoint short.
///
/// The signals are handled by dispatch sources on a queue of their own, not in a C signal handler: the
/// default action is replaced by `SIG_IGN`, so nothing runs in signal context, and the training thread only
/// reads an atomic flag. From the first signal on, SIGPIPE is ignored too: when Slurm or mpirun tears down the
/// job's output streams first, a rank's last log line must not kill it before its checkpoint (until then a
/// closed pipe ends the process as usual, e.g. `partita train | head -1`).
final class InterruptSignals {
    static let repeatAfter = 1.0

    let request = StopRequest()
    private let sources: [any DispatchSourceSignal]
    private let queue = DispatchQueue(label: "partita.signals")

    init() {
        var sources = [any DispatchSourceSignal]()
        let first = FirstSignal()
        for number in StopRequest.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [request] in
                let now = DispatchTime.now().uptimeNanoseconds
                if let firstTime = first.time {
                    if Double(now - firstTime) / 1e9 >= Self.repeatAfter {
                        Console.error("partita: \(StopRequest.name(number)) again: stopping now")
                        _exit(128 + number)
                    }
                    return
                }
                first.time = now
                signal(SIGPIPE, SIG_IGN)
                request.request(signal: number)
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Restores the default actions.
    func uninstall() {
        for source in sources { source.cancel() }
        for number in StopRequest.signals + [SIGPIPE] { signal(number, SIG_DFL) }
    }
}

/// When the first signal arrived; only touched on the signal queue.
private final class FirstSignal: @unchecked Sendable {
    var time: UInt64?
}
