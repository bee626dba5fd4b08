import Foundation
import TestSupport
import Testing

/// `partita logs` on a real two-rank run, and following a run that is still being written.
@Suite(.serialized) struct LogsCommandTests {
    /// Two ranks under mpirun: the report (written by rank 0) shows both ranks' step times, and `partita logs`
    /// merges both rank files in time order, each line tagged with its rank, and filters them.
    @Test func twoRanksReportAndLogs() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-logs")
        let output = try MPIRun.partita(
            ranks: 2, ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "train.epochs=2"])
        #expect(output.status == 0, "\(output.stderr)")
        let run = directory + "/digits-mlp"

        let page = try ReportPage(contentsOfFile: run + "/report.html")
        let curves = page.series(in: "ranks")
        #expect(Set(curves.map(\.name)) == ["rank 0", "rank 1"])
        for rank in 0..<2 {
            let steps = try ReportCommandTests.stepsRecords(run, rank: rank)
            #expect(steps > 0)
            #expect(curves.filter { $0.name == "rank \(rank)" }.allSatisfy { $0.points == steps })
        }
        #expect(page.text(in: "setup").contains("world_size"))

        let all = try Self.logs(run)
        let fileLines = try (0..<2).map { rank in
            try String(contentsOfFile: RunFiles.rankLog(run, rank: rank), encoding: .utf8)
                .split(separator: "\n").count
        }
        #expect(all.count == fileLines.reduce(0, +))
        #expect(all.contains { $0.contains("[rank 0]") } && all.contains { $0.contains("[rank 1]") })
        let times = all.map { String($0.prefix(24)) }
        #expect(times == times.sorted(), "merged lines are not in time order")

        let rankOne = try Self.logs(run, ["--rank", "1"])
        #expect(rankOne.count == fileLines[1] && rankOne.allSatisfy { $0.contains(" [rank 1] ") })
        let final = try Self.logs(run, ["--grep", "final parameters"])
        #expect(final.count == 2)
        #expect(try Self.logs(run, ["--level", "error"]).isEmpty)
    }

    static func logs(_ run: String, _ options: [String] = []) throws -> [String] {
        let output = try BuiltProducts.run(BuiltProducts.partita, ["logs", run] + options)
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    /// `--follow --until-finished` on a run being written: it prints what is there, then what is appended to
    /// any rank file (including one that appears later), and ends once run.json says the run ended. Every
    /// record written before that is printed, however the polls fall.
    @Test func followPrintsNewRecordsUntilTheRunEnds() throws {
        let run = BuiltProducts.temporaryDirectory("partita-follow")
        try FileManager.default.createDirectory(atPath: run + "/ranks", withIntermediateDirectories: true)
        try "run:\n  name: follow\n".write(toFile: run + "/config.yaml", atomically: true, encoding: .utf8)
        try "{\"status\":\"running\"}\n".write(toFile: run + "/run.json", atomically: true, encoding: .utf8)
        func record(_ time: Int, _ rank: Int, _ message: String) -> String {
            "{\"time\":\(1_767_323_045 + time),\"rank\":\(rank),\"level\":\"info\",\"message\":\"\(message)\"}\n"
        }
        try record(0, 0, "first").write(toFile: run + "/ranks/rank-0000.jsonl", atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.partita)
        process.arguments = ["logs", run, "--follow", "--until-finished", "--interval", "0.05"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Wait until the first record is out: the command is following, not just reading at the end.
        var received = Data()
        while !String(decoding: received, as: UTF8.self).contains("first") {
            let chunk = pipe.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "partita logs --follow ended early")
            received += chunk
        }
        let appendTo0 = try #require(FileHandle(forWritingAtPath: run + "/ranks/rank-0000.jsonl"))
        try appendTo0.seekToEnd()
        try appendTo0.write(contentsOf: Data(record(2, 0, "second").utf8))
        try (record(1, 1, "late rank") + record(3, 1, "third")).write(
            toFile: run + "/ranks/rank-0001.jsonl", atomically: true, encoding: .utf8)
        try appendTo0.write(contentsOf: Data(record(4, 0, "last").utf8))
        try appendTo0.close()
        try "{\"status\":\"completed\"}\n".write(toFile: run + "/run.json", atomically: true, encoding: .utf8)

        received += pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let messages = String(decoding: received, as: UTF8.self).split(separator: "\n").map {
            String($0.split(separator: ": ", maxSplits: 1).last ?? "")
        }
        #expect(Set(messages) == ["first", "second", "late rank", "third", "last"])
        #expect(messages.first == "first" && messages.last == "last")
    }
}
