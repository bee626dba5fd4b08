import Cluster
import Foundation
import Testing

@testable import Reports

/// `partita logs`' reading: three ranks' files merged in time order, filters, and following a growing run.
@Suite struct LogMergeTests {
    /// Records written out of order across the files: rank 0 at t = 1, 4; rank 1 at 2, 4 (a tie with rank 0),
    /// 6; rank 2 at 3, 5. The merge is by time, ties by rank.
    static func threeRanks() -> RunFixture {
        let fixture = RunFixture()
        func record(_ time: Double, _ rank: Int, _ level: String, _ message: String) -> String {
            LogRecord(
                time: 1_767_323_045 + time, rank: rank, level: level, message: message, metadata: ["k": "v\(rank)"]
            )
            .jsonLine
        }
        fixture.lines(
            "ranks/rank-0000.jsonl", [record(1, 0, "info", "zero-a"), record(4, 0, "warning", "zero-b")])
        fixture.lines(
            "ranks/rank-0001.jsonl",
            [record(2, 1, "debug", "one-a"), record(4, 1, "info", "one-b"), record(6, 1, "error", "one-c")])
        fixture.lines("ranks/rank-0002.jsonl", [record(3, 2, "notice", "two-a"), record(5, 2, "info", "two-b")])
        return fixture
    }

    static func read(_ fixture: RunFixture) throws -> [LogRecord] {
        var reader = RankLogReader(directory: try RunDirectory(existing: fixture.path))
        return reader.readNew()
    }

    @Test func threeRanksMergeInTimeOrder() throws {
        let records = try Self.read(Self.threeRanks())
        #expect(records.map(\.message) == ["zero-a", "one-a", "two-a", "zero-b", "one-b", "two-b", "one-c"])
        #expect(records.map(\.rank) == [0, 1, 2, 0, 1, 2, 1])
        let times = records.map(\.time)
        #expect(times == times.sorted())
    }

    @Test func filtersByRankLevelAndText() throws {
        let records = try Self.read(Self.threeRanks())
        func messages(_ filter: LogFilter) -> [String] { records.filter(filter.accepts).map(\.message) }
        #expect(messages(LogFilter(rank: 1)) == ["one-a", "one-b", "one-c"])
        #expect(messages(LogFilter(minimumLevel: "warning")) == ["zero-b", "one-c"])
        #expect(messages(LogFilter(minimumLevel: "info")) == ["zero-a", "two-a", "zero-b", "one-b", "two-b", "one-c"])
        #expect(messages(LogFilter(rank: 2, minimumLevel: "notice")) == ["two-a"])
        #expect(messages(LogFilter(text: "k=v2")) == ["two-a", "two-b"])
        #expect(messages(LogFilter(rank: 7)).isEmpty)
    }

    @Test func linesAreFormattedWithTheRankTag() throws {
        let first = try #require(try Self.read(Self.threeRanks()).first)
        #expect(LogFormat.line(first) == "2026-01-02T03:04:06.000Z [rank 0] info: zero-a k=v0")
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (951_782_400.25, "2000-02-29T00:00:00.250Z"),
        (1_796_056_484.5315995, "2026-11-30T16:34:44.531Z"), (-1.5, "1969-12-31T23:59:58.500Z"),
    ])
    func timestamps(_ time: Double, _ expected: String) {
        #expect(LogFormat.timestamp(time) == expected)
    }

    /// Following: a line without its newline waits for it; a rank file that appears later is picked up; a line
    /// still unfinished when the run is over is reported as truncated.
    @Test func followingSeesOnlyCompleteNewLines() throws {
        let fixture = RunFixture()
        let path = fixture.path + "/ranks/rank-0000.jsonl"
        fixture.write("ranks/rank-0000.jsonl", LogRecord(time: 1, rank: 0, level: "info", message: "a").jsonLine + "\n")
        var reader = RankLogReader(directory: try RunDirectory(existing: fixture.path))
        #expect(reader.readNew().map(\.message) == ["a"])
        #expect(reader.readNew().isEmpty)

        let next = LogRecord(time: 2, rank: 0, level: "info", message: "b").jsonLine
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(next.prefix(10).utf8))
        #expect(reader.readNew().isEmpty)
        try handle.write(contentsOf: Data((next.dropFirst(10) + "\n").utf8))
        fixture.write(
            "ranks/rank-0003.jsonl", LogRecord(time: 1.5, rank: 3, level: "info", message: "c").jsonLine + "\n")
        #expect(reader.readNew().map(\.message) == ["c", "b"])

        try handle.write(contentsOf: Data("{\"time\":3,".utf8))
        try handle.close()
        #expect(reader.readNew().isEmpty)
        reader.finish()
        #expect(reader.takeNotes() == ["1 truncated line in ranks/rank-0000.jsonl was skipped"])
    }
}
