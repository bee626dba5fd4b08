import ArgumentParser
import Cluster
import Foundation
import Reports

/// `partita logs RUN [--rank R] [--level L] [--grep TEXT] [--follow [--until-finished]]`.
struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every rank's log records of a run, merged in time order, each tagged with its rank.",
        discussion: """
            Reads RUN/ranks/rank-NNNN.jsonl (every rank's records, gathered by rank 0 during training). With \
            --follow, keeps printing records as a running job appends them (new rank files too) until Ctrl-C, \
            or with --until-finished until run.json says the run has ended.
            """)

    @Argument(help: ArgumentHelp("A run directory, e.g. runs/digits-mlp.", valueName: "run"))
    var runDirectory: String

    @Option(help: "Show only this rank's records.")
    var rank: Int?

    @Option(help: "Show records at this level and above.")
    var level: LogLevelArgument?

    @Option(help: ArgumentHelp("Show only records whose line contains this text (case-sensitive).", valueName: "text"))
    var grep: String?

    @Flag(help: "Keep watching for new records (a running job); stop with Ctrl-C.")
    var follow = false

    @Flag(help: "With --follow: stop once run.json says the run has ended (completed or failed).")
    var untilFinished = false

    @Option(help: ArgumentHelp("With --follow: seconds between checks for new records.", valueName: "seconds"))
    var interval: Double = 0.25

    func validate() throws {
        if let rank, rank < 0 { throw ValidationError("--rank must be 0 or more, not \(rank)") }
        if untilFinished && !follow { throw ValidationError("--until-finished only makes sense with --follow") }
        if !(interval > 0 && interval <= 60) { throw ValidationError("--interval must be between 0 and 60 seconds") }
    }

    func run() throws {
        let directory = try Runtime.reportingErrors { try RunDirectory(existing: runDirectory) }
        let filter = LogFilter(rank: rank, minimumLevel: level?.rawValue, text: grep)
        var reader = RankLogReader(directory: directory)
        var shown = 0
        func printNew() {
            for record in reader.readNew() where filter.accepts(record) {
                Console.output(LogFormat.line(record))
                shown += 1
            }
            for note in reader.takeNotes() { Console.error("partita: warning: \(note)") }
        }
        printNew()
        if follow {
            while true {
                // Read run.json before the rank files: every record is written before the run is marked
                // ended, so after seeing the end, one more read gets them all.
                let ended = untilFinished && Self.hasEnded(directory)
                usleep(ended ? 0 : useconds_t(interval * 1_000_000))
                printNew()
                if ended { break }
            }
        }
        reader.finish()
        for note in reader.takeNotes() { Console.error("partita: warning: \(note)") }
        if shown == 0 && !follow {
            Console.error("partita: no log records\(filter.isEmpty ? "" : " match") in \(directory.ranksPath)")
        }
    }

    /// Whether run.json's status is no longer `running`.
    static func hasEnded(_ directory: RunDirectory) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory.runInfoPath),
            let status = JSONValue(parsing: String(decoding: data, as: UTF8.self))?["status"]?.string
        else { return false }
        return status != "running"
    }
}

extension LogFilter {
    var isEmpty: Bool { rank == nil && minimumLevel == nil && (text ?? "").isEmpty }
}
