internal import CMPI
import Foundation

/// Owns Open MPI's lifetime in this process: `MPI_Init_thread` on first use, `MPI_Finalize` at exit.
///
/// MPI can be initialized once per process and never again after `MPI_Finalize`, so the runtime is a
/// process-wide singleton. Started by `mpirun`, the world is the job's ranks; started alone, Open MPI makes
/// a world of one (a "singleton"), so the same binary runs either way.
public enum MPIRuntime {
    /// MPI's thread support levels (`MPI_THREAD_SINGLE` ... `MPI_THREAD_MULTIPLE`). Partita asks for
    /// `MPI_THREAD_MULTIPLE`: then the `CollectiveThread` runs all-reduces beside the training thread and the
    /// collective watchdog may call `MPI_Abort` from its own thread. It needs at least `MPI_THREAD_FUNNELED`
    /// (every MPI call from the training thread; no collective thread, and the watchdog just exits).
    public enum ThreadLevel: Int32, Sendable, Comparable {
        case single = 0, funneled = 1, serialized = 2, multiple = 3

        public static func < (a: ThreadLevel, b: ThreadLevel) -> Bool { a.rawValue < b.rawValue }
    }

    nonisolated(unsafe) private static var grantedLevel: ThreadLevel?

    /// Whether this process was started by `mpirun` (Open MPI sets these variables in every rank).
    public static var launchedByMPIRun: Bool {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil
    }

    /// Initializes MPI if it is not yet, and returns the thread level it granted. Throws if MPI cannot
    /// give at least `MPI_THREAD_FUNNELED`.
    @discardableResult
    public static func initialize() throws -> ThreadLevel {
        if let grantedLevel { return grantedLevel }
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        var provided = Int32(MPI_THREAD_MULTIPLE)
        if initialized == 0 {
            try check(
                MPI_Init_thread(nil, nil, Int32(MPI_THREAD_MULTIPLE), &provided), "MPI_Init_thread")
            atexit { MPIRuntime.finalize() }
        } else {
            MPI_Query_thread(&provided)
        }
        let level = ThreadLevel(rawValue: provided) ?? .single
        guard level >= .funneled else {
            throw MPIError(
                code: 0, errorClass: 0,
                message: "Open MPI granted thread level \(provided); Partita needs at least MPI_THREAD_FUNNELED",
                function: "MPI_Init_thread")
        }
        grantedLevel = level
        return level
    }

    /// Finalizes MPI if it was initialized and not yet finalized. Called at process exit.
    static func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }
}
