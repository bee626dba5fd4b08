import Foundation
import Testing

@testable import Reports

/// The run directory's JSON parser, against Foundation's decoder and the grammar of RFC 8259.
@Suite struct JSONParserTests {
    /// Foundation's JSONDecoder, as the reference.
    struct Reference: Decodable, Equatable {
        let value: JSONValue

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let bool = try? container.decode(Bool.self) {
                value = .bool(bool)
            } else if let number = try? container.decode(Double.self) {
                value = .number(number)
            } else if let string = try? container.decode(String.self) {
                value = .string(string)
            } else if let array = try? container.decode([Reference].self) {
                value = .array(array.map(\.value))
            } else {
                value = .object(try container.decode([String: Reference].self).mapValues(\.value))
            }
        }
    }

    @Test(arguments: [
        "{\"time\":1796056484.4847875,\"rank\":0,\"level\":\"info\",\"message\":\"data\",\"metadata\":{\"a\":\"b\"}}",
        "{\"posterior\":[0.0022754752850400266,1e-05,-2.5E+3,0,null],\"x\":true,\"y\":false}",
        "  [ 1 , [ ] , { } , \"\" ]  ", "\"tab\\there \\\"quoted\\\" \\\\ \\/ \\u00e9 \\ud83d\\ude00 θ\"", "-0.0",
        "1e308",
        "{\"nested\":{\"deeper\":[[1,2],[3,{\"k\":\"v\"}]]}}",
    ])
    func agreesWithFoundation(_ text: String) throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(text.utf8)).value
        #expect(JSONParser.parse(text) == reference)
    }

    /// Every number Partita writes (Swift's shortest round-trip form) reads back as the same Double.
    @Test func numbersRoundTripExactly() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<2000 {
            let value = (random.uniform() - 0.5) * pow(10, Double(Int(random.uniform() * 40) - 20))
            #expect(JSONParser.parse("\(value)") == .number(value), "\(value)")
        }
    }

    @Test(arguments: [
        "", "{", "{\"a\":1", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[1 2]", "01", "1.", ".5", "+1", "-", "1e", "NaN",
        "\"unterminated", "\"bad \\x escape\"", "\"raw\u{1}control\"", "\"\\ud83d alone\"", "tru", "nul",
        "{\"a\":1} trailing", "{1:2}", String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(JSONParser.parse(text) == nil)
    }
}
