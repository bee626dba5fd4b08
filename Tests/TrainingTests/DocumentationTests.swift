import Configuration
import Foundation
import Testing
import Training

/// The user documentation states the config keys; it must say what the code does.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func configurationReferenceMatchesTheSchema() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let begin = "<!-- BEGIN GENERATED REFERENCE -->\n"
        let end = "<!-- END GENERATED REFERENCE -->"
        let start = try #require(doc.range(of: begin)).upperBound
        let stop = try #require(doc.range(of: end)).lowerBound
        #expect(
            doc[start..<stop].trimmingCharacters(in: .whitespacesAndNewlines)
                == ConfigSchema.partita.markdownReference.trimmingCharacters(in: .whitespacesAndNewlines),
            "docs/configuration.md is stale: regenerate its reference with `partita config --reference`")
    }
}
