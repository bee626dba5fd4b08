import ArgumentParser
import TestSupport
import Testing

@testable import Commands

/// The help text is part of the interface: checked word for word against committed baselines.
@Suite struct HelpTests {
    static let commands: [(String, any ParsableCommand.Type)] = [
        ("partita", Partita.self), ("train", Train.self), ("eval", Evaluate.self), ("launch", Launch.self),
        ("config", ShowConfig.self), ("export", ExportCommand.self),
        ("bench", Benchmark.self), ("bench-step", StepBenchmarkCommand.self),
        ("bench-ddp", DataParallelBenchmarkCommand.self),
        ("report", ReportCommand.self), ("logs", Logs.self), ("plot", Plot.self),
        ("stats", Stats.self), ("gaussianity", GaussianityCommand.self), ("eoc", EdgeOfChaosCommand.self),
        ("gauss-newton", GaussNewtonCommand.self), ("vi-check", VICheckCommand.self),
        ("curvature", CurvatureCommand.self),
        ("bench-curvature", CurvatureBenchmarkCommand.self), ("check-collectives", CheckCollectivesCommand.self),
    ]

    @Test(arguments: commands.map(\.0))
    func helpMatchesBaseline(_ name: String) {
        let command = Self.commands.first { $0.0 == name }!.1
        let help = Partita.helpMessage(for: command, columns: 100)
        if let mismatch = Snapshot.mismatch(help, named: "help-\(name).txt") { Issue.record("\(mismatch)") }
    }

    @Test func everyOptionHasHelp() {
        for (name, command) in Self.commands {
            let lines = Partita.helpMessage(for: command, columns: 200).split(separator: "\n").map(String.init)
            for (index, line) in lines.enumerated() where line.hasPrefix("  -") {
                // An option line carries its help after the names, or on the next, more indented line when
                // the names are too long for the label column.
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                let helpOnNextLine = index + 1 < lines.count && lines[index + 1].hasPrefix("                ")
                #expect(words.count > 2 || helpOnNextLine, "\(name): \(line)")
            }
        }
    }

    @Test func validationMessagesSayWhatToDo() throws {
        #expect(throws: (any Error).self) { try Train.parse(["a.yaml", "--resume", "runs/x"]).validate() }
        let message = Partita.message(for: ValidationError("x"))
        #expect(message == "x")
        do {
            let command = try StepBenchmarkCommand.parse(["--sizes", "784"])
            try command.validate()
            Issue.record("a single size should be rejected")
        } catch {
            #expect(Partita.message(for: error).contains("at least two positive integers"))
        }
    }
}
