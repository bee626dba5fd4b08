import ArgumentParser
import Reports

/// `partita report RUN [-o FILE]`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML report of a run directory: curves, per-rank timing, diagnostics, config.",
        discussion: """
            One self-contained file (inline SVG, no scripts, nothing fetched from the network), with a section \
            for each kind of data the run holds. `partita train` writes RUN/report.html itself at the end \
            unless run.report is false. See docs/reports.md.
            """)

    @Argument(help: ArgumentHelp("A run directory, e.g. runs/digits-mlp.", valueName: "run"))
    var runDirectory: String

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Where to write the report (default: RUN/report.html).", valueName: "file"))
    var output: String?

    func run() throws {
        try Runtime.reportingErrors {
            let written = try RunReport.write(runDirectory: runDirectory, to: output)
            Console.output("report: \(written.path) (\(written.bytes) bytes)")
        }
    }
}
