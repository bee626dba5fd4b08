import ArgumentParser
import Foundation
import Reports

/// `partita plot SPEC.json -o FIG.svg`.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a figure described in JSON as an SVG file (the figures of docs/experiments).",
        discussion: """
            SPEC.json: {"title": ..., "x_label": ..., "y_label": ..., "x_log": false, "y_log": false, \
            "panels": [{"title": "A", "series": [{"name": ..., "x": [...], "y": [...]}]}]}. Panels sit side by \
            side and share the axis labels and one legend; null y values leave gaps. Optional keys are listed \
            in docs/reports.md.
            """)

    @Argument(help: "The figure spec (JSON).")
    var spec: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The SVG file to write.", valueName: "file"))
    var output: String

    func run() throws {
        try Runtime.reportingErrors {
            let svg = try FigureSpec.load(path: spec).svg()
            do {
                try svg.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw PlotError(message: "\(output): cannot write: \((error as NSError).localizedDescription)")
            }
            Console.output("figure: \(output) (\(svg.utf8.count) bytes)")
        }
    }
}

/// A figure that could not be written, in one line.
struct PlotError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
