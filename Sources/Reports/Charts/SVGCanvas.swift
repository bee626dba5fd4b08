import Foundation

/// Escaping for text and attribute values in XML: the report is well-formed XML (HTML whose SVG is inline),
/// so `&`, `<`, `>` and quotes in names, config values and log messages must never reach it raw.
public enum XML {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            // Control characters other than tab and newline are not allowed in XML 1.0 at all.
            case let c where c.value < 0x20 && c != "\t" && c != "\n" && c != "\r": result += "\u{FFFD}"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}

/// Collects SVG elements in pixel coordinates (origin top left, y down) and wraps them in an `<svg>`.
///
/// Coordinates are written with one decimal: finer than a pixel on any screen, and it keeps the file small.
struct SVGCanvas {
    private(set) var elements: [String] = []

    static func number(_ value: Double) -> String {
        // Pixel coordinates: anything non-finite or absurd is a layout bug upstream; keep the XML valid.
        guard value.isFinite else { return "0" }
        let tenths = (min(max(value, -1e9), 1e9) * 10).rounded()
        if tenths == tenths.rounded(.towardZero) && Int64(tenths) % 10 == 0 { return String(Int64(tenths) / 10) }
        return String(format: "%.1f", value)
    }

    mutating func raw(_ element: String) {
        elements.append(element)
    }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
        dash: String? = nil
    ) {
        let n = Self.number
        var element = "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\""
        if width != 1 { element += " stroke-width=\"\(n(width))\"" }
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        elements.append(element + "/>")
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, stroke: String? = nil,
        strokeWidth: Double = 1, title: String? = nil
    ) {
        let n = Self.number
        var element = "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"\(n(strokeWidth))\"" }
        if let title {
            elements.append(element + "><title>\(XML.escape(title))</title></rect>")
        } else {
            elements.append(element + "/>")
        }
    }

    enum Anchor: String {
        case start, middle, end
    }

    mutating func text(
        _ text: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start, bold: Bool = false,
        fill: String = "#222", rotate: Double? = nil, cssClass: String? = nil
    ) {
        let n = Self.number
        var element = "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\""
        if anchor != .start { element += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { element += " font-weight=\"bold\"" }
        if fill != "#222" { element += " fill=\"\(fill)\"" }
        if let rotate { element += " transform=\"rotate(\(n(rotate)) \(n(x)) \(n(y)))\"" }
        if let cssClass { element += " class=\"\(cssClass)\"" }
        elements.append(element + ">\(XML.escape(text))</text>")
    }

    /// The finished document. `width` and `height` are the natural size in CSS pixels; the `viewBox` lets
    /// the page scale the figure down to a narrower window.
    func document(width: Double, height: Double, title: String, cssClass: String = "figure") -> String {
        let n = Self.number
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(cssClass)\" width=\"\(n(width))\" "
            + "height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" "
            + "font-family=\"DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif\">\n"
            + "<title>\(XML.escape(title))</title>\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
            + elements.joined(separator: "\n") + "\n</svg>\n"
    }

    /// An estimate of the width of `text` at `size` px in a sans-serif font, for laying out legends and
    /// labels without a font engine: DejaVu Sans averages about 0.6 em per character.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }
}
