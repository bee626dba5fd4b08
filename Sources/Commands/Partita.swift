public import ArgumentParser

/// The `partita` command tree. `Commands` is the only module that picks the communication backend, sets
/// up logging, and maps errors to exit codes.
public struct Partita: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "partita",
        abstract: "Train neural networks across MPI ranks and export them to microcontrollers.",
        discussion: """
            Run `partita train` with no arguments to train the built-in default (an MLP on the bundled \
            digits data set). Under `mpirun`, every rank runs the same command; rank 0 writes the run directory.
            """,
        version: "0.1.0",
        subcommands: [
            Train.self, Evaluate.self, Launch.self, CurvatureCommand.self, GaussNewtonCommand.self, ExportCommand.self,
            ShowConfig.self, Benchmark.self, ReportCommand.self, Logs.self, Plot.self, Stats.self,
            GaussianityCommand.self, EdgeOfChaosCommand.self, VICheckCommand.self, CheckCollectivesCommand.self,
        ])

    public init() {}
}
