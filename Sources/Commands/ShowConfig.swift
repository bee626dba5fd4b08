import ArgumentParser
import Configuration
import Training

/// `partita config [CONFIG] [--set ...] [--reference]`: what a config resolves to, before training.
struct ShowConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the resolved config (every key, defaults filled in), or the reference of all keys.",
        discussion: "Checks a config without training: errors are reported exactly as `partita train` would.")

    @Argument(help: "A YAML config file (default: the built-in defaults).")
    var config: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a config key, e.g. --set optimizer.lr=0.01 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Flag(help: "Print the Markdown reference of every key instead (the source of docs/configuration.md).")
    var reference = false

    func run() throws {
        if reference {
            Console.output(ConfigSchema.partita.markdownReference)
            return
        }
        try Runtime.reportingErrors {
            let resolved = try ConfigLoader.load(path: config, overrides: overrides)
            Console.output(resolved.yaml, terminator: "")
            // The model summary as YAML comments, so the output stays a config that `partita train` reads.
            Console.output(try ModelSummary.lines(resolved).map { "# " + $0 }.joined(separator: "\n"))
        }
    }
}
