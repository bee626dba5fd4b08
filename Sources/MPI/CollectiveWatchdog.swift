import Foundation

/// Ends the job when a collective has not completed after `timeout` seconds, instead of letting it hang.
///
/// A collective blocks until every rank has joined it; if one rank died, hangs or called a different
/// collective, the others would wait forever. Before each collective the communicator records what it is
/// about to do (`watch`); a background thread checks every 100 ms, and past the timeout writes one line
/// naming this rank, the collective and the training step to standard error, then calls `abort`.
final class CollectiveWatchdog: @unchecked Sendable {
    // @unchecked: every mutable field is read and written under `lock`.
    private let lock = NSLock()
    private var current: (name: String, started: Date)?
    private var currentStep: Int?
    private var currentTimeout: Double
    private var started = false
    let rank: Int
    private let abort: @Sendable (Int32) -> Void

    init(timeout: Double, rank: Int, abort: @escaping @Sendable (Int32) -> Void) {
        self.currentTimeout = timeout
        self.rank = rank
        self.abort = abort
        startIfNeeded()
    }

    /// Seconds a collective may take; 0 disables the watchdog.
    var timeout: Double {
        get { lock.withLock { currentTimeout } }
        set {
            lock.withLock { currentTimeout = newValue }
            startIfNeeded()
        }
    }

    /// Starts the checking thread the first time a positive timeout is set.
    private func startIfNeeded() {
        let start = lock.withLock {
            guard currentTimeout > 0 && !started else { return false }
            started = true
            return true
        }
        guard start else { return }
        let thread = Thread { [weak self] in
            while let watchdog = self {
                watchdog.inspect()
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        thread.name = "partita-collective-watchdog"
        thread.start()
    }

    /// The training step the next collectives belong to (for the message).
    var step: Int? {
        get { lock.withLock { currentStep } }
        set { lock.withLock { currentStep = newValue } }
    }

    /// Runs `body` (one collective) under watch.
    func watch<T>(_ name: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        guard timeout > 0 else { return try body() }
        let label = name()
        lock.withLock { current = (label, Date()) }
        defer { lock.withLock { current = nil } }
        return try body()
    }

    private func inspect() {
        let (running, step, timeout) = lock.withLock { (current, currentStep, currentTimeout) }
        guard let running, timeout > 0, Date().timeIntervalSince(running.started) > timeout else { return }
        let at = step.map { " at step \($0)" } ?? ""
        let message =
            "partita: error: rank \(rank): collective \(running.name) did not complete within "
            + "\(Self.format(timeout)) s\(at); aborting the job (another rank has probably failed or stopped)\n"
        FileHandle.standardError.write(Data(message.utf8))
        abort(124)
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
