import ArgumentParser
import Cluster
import Foundation
import Logging
import MPI
import Training

/// What a command runs with: the communicator, a logger that tags the rank, and this rank's log records.
struct RuntimeContext {
    let communicator: any Communicator
    let logger: Logger
    let records: LogRecordBuffer
}

/// Sets up the communicator and logging for a command, and turns any error into one line on standard error
/// and a non-zero exit code.
///
/// Under `mpirun` (Open MPI's `OMPI_COMM_WORLD_SIZE` is set) the communicator is an `MPICommunicator` over
/// the job's ranks; otherwise the process is a world of one. A failure on one rank ends the whole job:
/// that rank prints its error (naming itself) and calls `MPI_Abort`. Failures every rank detects at once
/// (disagreeing configs, diverged parameters) are printed by rank 0 only and every rank exits with 1.
enum Runtime {
    static func run(logLevel: Logger.Level, distributed: Bool = true, _ body: (RuntimeContext) throws -> Void) throws {
        let communicator: any Communicator
        do {
            communicator =
                distributed && MPIRuntime.launchedByMPIRun ? try MPICommunicator() : SingleProcessCommunicator()
        } catch {
            report("cannot start MPI: \(error)")
            throw ExitCode.failure
        }
        let records = LogRecordBuffer()
        var logger = Logger(label: "partita") { _ in
            ConsoleLogHandler(
                logLevel: min(logLevel, .info), consoleLevel: logLevel, rank: communicator.rank,
                worldSize: communicator.size, records: records)
        }
        logger.logLevel = min(logLevel, .info)
        try reportingErrors {
            do {
                try body(RuntimeContext(communicator: communicator, logger: logger, records: records))
            } catch let error as ExitCode {
                throw error
            } catch is FaultInjection.InjectedExit {
                exit(3)  // a rank that dies without a word, for the failure tests
            } catch let interrupted as TrainingInterrupted {
                // Every rank stops at the same step: rank 0 says so, all exit with 128 + the signal.
                if communicator.isCoordinator { Console.error("partita: \(interrupted)") }
                throw ExitCode(128 + interrupted.signal)
            } catch let error where communicator.size > 1 {
                let collective = (error as? TrainingError)?.isDetectedByEveryRank ?? false
                if collective {
                    if communicator.isCoordinator { report(error) }
                    throw ExitCode.failure
                }
                let text = "\(error)"
                report(text.hasPrefix("rank ") ? text : "rank \(communicator.rank): " + text)
                communicator.abort(exitCode: 1)
            }
        }
    }

    /// Runs `body` and turns any error it throws into one line, `partita: error: ...`, on standard error and
    /// exit code 1: what every command does with a failure (`run` through it). `ExitCode` (already reported)
    /// and `ValidationError` (a usage error ArgumentParser prints with the usage) pass through unchanged.
    static func reportingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            report(error)
            throw ExitCode.failure
        }
    }

    /// Prints `partita: error: ` and the error on standard error.
    static func report(_ error: Any) {
        Console.error("partita: error: \(error)")
    }

    /// The fault to inject from `PARTITA_FAULT`, for failure tests (see `FaultInjection`).
    static func faultInjection() throws -> FaultInjection? {
        guard let text = ProcessInfo.processInfo.environment["PARTITA_FAULT"], !text.isEmpty else { return nil }
        return try FaultInjection.parse(text).get()
    }
}
