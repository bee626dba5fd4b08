public import Foundation

/// A process started without waiting, its output going to a file a test can watch: for tests that signal a
/// job once it has reached a known point (a log line), not after a guessed delay.
///
/// Started with `posix_spawn` and every signal unblocked and at its default action, as a shell starts a
/// command: `Foundation.Process` passes on the test runner thread's signal mask, in which SIGINT is blocked,
/// so a SIGINT sent to the child would never arrive.
public final class BackgroundJob {
    public let pid: pid_t
    /// Where the process's standard output and standard error go.
    public let logPath: String
    private var exitStatus: Int32?

    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String
    ) throws {
        logPath = directory + "/job-\(UUID().uuidString.prefix(8)).log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw BuiltProducts.Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    /// What the process has written so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Whether the process is still running (reaps it once it has ended).
    public var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (the C macros do not import).
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return false
    }

    /// Waits until the log contains `text`; false if the process ended first or `limit` seconds passed (a bound
    /// for a broken test, not a timing assumption).
    public func waitForLog(_ text: String, limit: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !isRunning { return log.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Waits for the process to end, at most `limit` seconds (then kills it): its exit status, or 128 + the
    /// signal that ended it, and the seconds waited.
    public func waitForExit(limit: Double = 120) -> (status: Int32, seconds: Double) {
        let start = Date()
        while isRunning && Date().timeIntervalSince(start) < limit { usleep(10_000) }
        if isRunning {
            kill(pid, SIGKILL)
            while isRunning { usleep(10_000) }
        }
        return (exitStatus ?? -1, Date().timeIntervalSince(start))
    }
}
