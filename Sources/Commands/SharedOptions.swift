import ArgumentParser
import Logging

/// Options every subcommand shares.
struct SharedOptions: ParsableArguments {
    @Option(help: "Show messages at this level and above.")
    var logLevel: LogLevelArgument = .notice

    @Flag(help: "Print plain progress lines instead of a progress bar, even on a terminal.")
    var plain = false
}

/// A swift-log level as a command-line choice.
enum LogLevelArgument: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue)! }
}
