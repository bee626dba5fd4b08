import Foundation
public import FoundationXML

/// A report (HTML) or figure (SVG) parsed as XML, with queries for what tests check: which sections exist,
/// and the series drawn in them (`<g class="series" data-series=... data-points=... data-last=...>`).
///
/// Parsing is itself a check: the page must be well-formed XML, so a stray `<` or `&` from a run name or a
/// log message fails the test.
public struct ReportPage {
    public let document: XMLDocument
    public let text: String

    public init(_ text: String) throws {
        self.text = text
        document = try XMLDocument(xmlString: text, options: [])
    }

    public init(contentsOfFile path: String) throws {
        try self.init(try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The `id` of every `<section>`, in page order.
    public var sectionIDs: [String] {
        nodes("//*[local-name()='section']").compactMap { Self.attribute("id", of: $0) }
    }

    /// One drawn series.
    public struct DrawnSeries: Equatable, Sendable {
        public let name: String
        public let points: Int
        public let last: Double?

        public init(name: String, points: Int, last: Double?) {
            self.name = name
            self.points = points
            self.last = last
        }
    }

    /// The series drawn inside the section `sectionID` (or the whole document), in drawing order.
    public func series(in sectionID: String? = nil) -> [DrawnSeries] {
        let scope = sectionID.map { "//*[local-name()='section' and @id='\($0)']" } ?? ""
        return nodes(scope + "//*[local-name()='g' and @class='series']").compactMap { node in
            guard let name = Self.attribute("data-series", of: node),
                let points = Self.attribute("data-points", of: node).flatMap({ Int($0) })
            else { return nil }
            return DrawnSeries(
                name: name, points: points, last: Self.attribute("data-last", of: node).flatMap { Double($0) })
        }
    }

    /// The visible text of the section `sectionID` (or the document), whitespace-joined.
    public func text(in sectionID: String? = nil) -> String {
        let scope = sectionID.map { "//*[local-name()='section' and @id='\($0)']" } ?? "/*"
        return nodes(scope).map { $0.stringValue ?? "" }.joined(separator: " ")
    }

    /// The bars drawn in a section: category and total.
    public func bars(in sectionID: String) -> [(category: String, total: Double)] {
        nodes("//*[local-name()='section' and @id='\(sectionID)']//*[local-name()='g' and @class='bar']").compactMap {
            guard let category = Self.attribute("data-category", of: $0),
                let total = Self.attribute("data-total", of: $0).flatMap({ Double($0) })
            else { return nil }
            return (category, total)
        }
    }

    /// An attribute's value. (`XMLElement.attribute(forName:)` finds nothing on elements in a namespace, as
    /// every element of an XHTML page or SVG is, in swift-corelibs-foundation; the attribute list works.)
    public static func attribute(_ name: String, of node: XMLNode) -> String? {
        (node as? XMLElement)?.attributes?.first { $0.name == name }?.stringValue
    }

    public func nodes(_ xpath: String) -> [XMLNode] {
        (try? document.nodes(forXPath: xpath)) ?? []
    }
}
