/// A self-contained HTML page built as well-formed XML: every element closed, every text escaped, styles
/// inline, no scripts, no fonts or images from elsewhere. It opens from disk without a network, and tests
/// (and any XML tool) can parse it.
struct HTMLBuilder {
    private var body: [String] = []

    var markup: String { body.joined(separator: "\n") }

    mutating func raw(_ markup: String) {
        body.append(markup)
    }

    mutating func heading(_ text: String, level: Int = 2) {
        body.append("<h\(level)>\(XML.escape(text))</h\(level)>")
    }

    mutating func paragraph(_ text: String, cssClass: String? = nil) {
        body.append("<p\(cssClass.map { " class=\"\($0)\"" } ?? "")>\(XML.escape(text))</p>")
    }

    /// A table; `numeric` columns are right-aligned, `flagged` rows are shown in red.
    mutating func table(
        header: [String], rows: [[String]], numeric: Set<Int> = [], flagged: Set<Int> = [], cssClass: String? = nil
    ) {
        var markup = "<table\(cssClass.map { " class=\"\($0)\"" } ?? "")><thead><tr>"
        for (index, cell) in header.enumerated() {
            markup += "<th\(numeric.contains(index) ? " class=\"num\"" : "")>\(XML.escape(cell))</th>"
        }
        markup += "</tr></thead><tbody>"
        for (rowIndex, row) in rows.enumerated() {
            markup += flagged.contains(rowIndex) ? "<tr class=\"flag\">" : "<tr>"
            for (index, cell) in row.enumerated() {
                markup += "<td\(numeric.contains(index) ? " class=\"num\"" : "")>\(XML.escape(cell))</td>"
            }
            markup += "</tr>"
        }
        body.append(markup + "</tbody></table>")
    }

    mutating func preformatted(_ text: String) {
        body.append("<pre>\(XML.escape(text))</pre>")
    }

    /// A figure (an inline SVG document) with an optional caption under it.
    mutating func figure(_ svg: String, caption: String? = nil) {
        var markup = "<figure>" + svg
        if let caption { markup += "<figcaption>\(XML.escape(caption))</figcaption>" }
        body.append(markup + "</figure>")
    }

    /// Figures next to each other, wrapping on a narrow window.
    mutating func figureRow(_ svgs: [String]) {
        body.append("<div class=\"row\">" + svgs.map { "<figure>" + $0 + "</figure>" }.joined() + "</div>")
    }

    /// The whole page around `body`.
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(XML.escape(title))</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// Laptop-first: a 1200 px column, figures scale down with the window, tables scroll sideways.
    static let style = """

        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #222;
          margin: 0 auto; padding: 12px 24px 40px; max-width: 1200px; font-size: 15px; line-height: 1.4; }
        h1 { font-size: 24px; margin: 10px 0 4px; }
        h2 { font-size: 19px; margin: 30px 0 8px; padding-top: 10px; border-top: 1px solid #ddd; }
        h3 { font-size: 16px; margin: 18px 0 6px; }
        p.meta { color: #555; margin: 0 0 10px; }
        p.lead { margin: 4px 0 10px; }
        nav a { margin-right: 14px; }
        div.notes { background: #fff4e0; border: 1px solid #e0a040; padding: 6px 12px; margin: 10px 0; }
        div.notes p { margin: 4px 0; }
        figure { margin: 8px 0; }
        figcaption { color: #555; font-size: 13px; }
        svg.figure { max-width: 100%; height: auto; display: block; }
        div.row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
        table { border-collapse: collapse; margin: 6px 0 12px; font-size: 14px; display: block; overflow-x: auto; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 10px; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.flag td { color: #c00000; font-weight: bold; }
        pre { background: #f7f7f7; border: 1px solid #e4e4e4; padding: 8px 12px; font-size: 13px; overflow-x: auto;
          max-height: 480px; }

        """
}
