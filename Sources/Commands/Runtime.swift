import ArgumentParser
import Cluster
import Foundation
import Logging

/// What a command runs with: the communicator, a logger that tags the rank, and this rank's record sink.
struct RuntimeContext {
    let communicator: any Communicator
    let logger: Logger
    let records: RecordSink
}

/// Sets up the communicator and logging for a command, and turns any error into one line on standard error
/// and a non-zero exit code.
enum Runtime {
    static func run(logLevel: Logger.Level, _ body: (RuntimeContext) throws -> Void) throws {
        let communicator: any Communicator = SingleProcessCommunicator()
        let records = RecordSink()
        var logger = Logger(label: "partita") { _ in
            ConsoleLogHandler(
                logLevel: min(logLevel, .info), consoleLevel: logLevel, rank: communicator.rank,
                worldSize: communicator.size, records: records)
        }
        logger.logLevel = min(logLevel, .info)
        do {
            try body(RuntimeContext(communicator: communicator, logger: logger, records: records))
        } catch let error as ExitCode {
            throw error
        } catch {
            let prefix = communicator.size > 1 ? "rank \(communicator.rank): " : ""
            Console.error("partita: error: \(prefix)\(error)")
            throw ExitCode.failure
        }
    }
}
