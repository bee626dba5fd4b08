import ArgumentParser
import Foundation
import Training

/// `partita check-collectives`: checks, on the job's real ranks and network, every collective training uses.
struct CheckCollectivesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-collectives",
        abstract: "Check the collectives (sums, broadcast, gather) across the job's ranks against references.",
        discussion: """
            Run it under mpirun (e.g. partita launch -n 4 --hostfile F -- check-collectives) to check a new \
            cluster before training on it. Every rank draws its values from (seed, rank), so each can compute \
            the expected sums itself; the gradient sum through host-shared memory must equal the naive sum in \
            rank order bit for bit on one host, and every result must be identical on every rank. Exits \
            non-zero when a check fails.
            """)

    @Option(help: "Values per rank (a gradient-sized buffer by default).")
    var count = 1_000_003

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
    }

    func run() throws {
        var failed = false
        try Runtime.run(logLevel: .warning) { context in
            let communicator = context.communicator
            let outcomes = try CollectiveCheck.run(communicator: communicator, count: count)
            guard communicator.isCoordinator else { return }
            Console.output("\(communicator.size) rank(s), \(count) values each")
            for outcome in outcomes {
                Console.output("\(outcome.passed ? "ok    " : "FAILED") \(outcome.name): \(outcome.detail)")
            }
            failed = outcomes.contains { !$0.passed }
        }
        if failed {
            Runtime.report("a collective check failed (above)")
            throw ExitCode.failure
        }
    }
}
