import Testing

@testable import Reports

@Suite struct JSONLinesTests {
    @Test func completeLinesAreRead() {
        let contents = JSONLines.parse("{\"a\":1}\n\n{\"a\":null,\"b\":[1,null]}\n", name: "m.jsonl")
        #expect(contents.records.count == 2 && contents.notes.isEmpty)
        #expect(contents.records[0]["a"]?.number == 1)
        #expect(contents.records[1]["a"]?.number == nil)
        #expect(contents.records[1]["b"]?.numbers?.count == 2)
        #expect(contents.records[1]["b"]?.numbers?[1].isNaN == true)
    }

    @Test func aTruncatedLastLineIsSkippedAndNoted() {
        let contents = JSONLines.parse("{\"a\":1}\n{\"a\":2}\n{\"a\":", name: "metrics.jsonl")
        #expect(contents.records.count == 2)
        #expect(contents.notes == ["1 truncated line in metrics.jsonl was skipped"])
    }

    /// A last line whose newline is missing but which is whole is kept.
    @Test func aWholeLastLineWithoutNewlineIsKept() {
        #expect(JSONLines.parse("{\"a\":1}\n{\"a\":2}", name: "m").records.count == 2)
    }

    @Test func malformedLinesAreNumbered() {
        let contents = JSONLines.parse("{\"a\":1}\nnope\n{\"a\":2}\n7\n", name: "m.jsonl")
        #expect(contents.records.count == 2)
        #expect(contents.notes == ["2 lines of m.jsonl (line 2, 4) not valid JSON; skipped"])
    }

    @Test func valuesReadAsTheirTypes() throws {
        let value = try #require(JSONValue(parsing: "{\"t\":true,\"n\":1,\"s\":\"x\",\"o\":{\"k\":[1,\"a\"]}}"))
        #expect(value["t"]?.bool == true && value["n"]?.integer == 1 && value["s"]?.string == "x")
        #expect(value["o"]?.text == "{k: [1, \"a\"]}")
        #expect(value["n"]?.bool == nil)
    }
}
