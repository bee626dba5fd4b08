import ArgumentParser
import Cluster
import Configuration
import Foundation
import Logging
import Reports
import Training

/// `partita train [CONFIG] [--set key=value ...] [--resume RUN]`.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model from a YAML config (default: an MLP on the bundled digits data set).",
        discussion: """
            Every config key has a default (see docs/configuration.md); the config file and --set \
            override them. The run directory (config, metrics, checkpoints, logs) is written under \
            run.dir/run.name. Under mpirun every rank runs this same command and rank 0 writes the run \
            directory.
            """)

    @Argument(help: "A YAML config file. Without one, the built-in default is trained.")
    var config: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a config key, e.g. --set optimizer.lr=0.01 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(
        help: ArgumentHelp("Continue the run in this run directory from its latest checkpoint.", valueName: "run-dir"))
    var resume: String?

    @OptionGroup var shared: SharedOptions

    func validate() throws {
        if resume != nil && config != nil {
            throw ValidationError(
                "give either a config file or --resume RUN, not both (a resumed run uses its own config.yaml)")
        }
    }

    func run() throws {
        try Runtime.run(logLevel: shared.logLevel.level) { context in
            let signals = InterruptSignals()
            defer { signals.uninstall() }
            let resolved = resume == nil ? try ConfigLoader.load(path: config, overrides: overrides) : ResolvedConfig()
            let observer =
                context.communicator.isCoordinator ? ProgressReporter(bar: Console.isTerminal && !shared.plain) : nil
            let outcome = try TrainingSession.run(
                config: resolved, resume: resume, resumeOverrides: resume == nil ? [] : overrides,
                commandLine: CommandLine.arguments, communicator: context.communicator, logger: context.logger,
                observer: observer, logs: context.records, faults: try Runtime.faultInjection(),
                stop: signals.request,
                afterFailure: { path in Self.writeReport(runDirectory: path, logger: context.logger) })
            guard context.communicator.isCoordinator else { return }
            let summary = outcome.summary
            if let validation = summary.validation { Console.output(Self.describe(validation)) }
            if let test = summary.test { Console.output(Self.describe(test)) }
            if let path = outcome.runDirectory {
                Self.writeReport(runDirectory: path, logger: context.logger)
                Console.output("run directory: \(path)")
            }
        }
    }

    /// Writes RUN/report.html unless the run's config says `run.report: false`. Training must not import
    /// Reports, so the coordinator does it here once run.json is final: after the session has returned, or
    /// after it failed (the report then says so, with the error, and shows what ran until then). A report
    /// that cannot be written is a warning.
    static func writeReport(runDirectory path: String, logger: Logger) {
        guard let config = try? ConfigLoader.load(path: RunDirectory(existing: path).configPath),
            (try? config.typed())?.run.report == true
        else { return }
        do {
            try RunReport.write(runDirectory: path)
        } catch {
            logger.warning("no report written: \(error)")
        }
    }

    static func describe(_ result: EvaluationResult) -> String {
        var text = String(format: "%@ loss %.6f", result.split, result.loss)
        if let accuracy = result.accuracy { text += String(format: ", accuracy %.2f%%", 100 * accuracy) }
        return text + " (\(result.count) samples)"
    }
}
