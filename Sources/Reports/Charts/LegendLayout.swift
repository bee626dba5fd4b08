/// A legend laid out in rows that wrap at a given width: a swatch (line, marker or both) and a label per
/// series.
struct LegendLayout {
    struct Entry {
        var label: String
        var color: String
        var dash: String?
        var marker: Bool
        var line: Bool
        /// A filled square (bars) instead of a line or marker.
        var box = false
    }

    static let rowHeight = 18.0
    static let swatchWidth = 22.0

    let entries: [Entry]
    /// Each entry's position relative to the legend's origin.
    private(set) var positions: [(x: Double, y: Double)] = []
    private(set) var height = 0.0

    init(entries: [Entry], width: Double) {
        self.entries = entries
        var x = 0.0
        var row = 0
        for entry in entries {
            let entryWidth = Self.swatchWidth + 6 + SVGCanvas.textWidth(entry.label, size: 12) + 18
            if x > 0 && x + entryWidth > width {
                x = 0
                row += 1
            }
            positions.append((x, Double(row) * Self.rowHeight))
            x += entryWidth
        }
        height = entries.isEmpty ? 0 : Double(row + 1) * Self.rowHeight + 6
    }

    func draw(at origin: (x: Double, y: Double), into canvas: inout SVGCanvas) {
        for (entry, position) in zip(entries, positions) {
            let x = origin.x + position.x
            let y = origin.y + position.y + 12
            if entry.box {
                canvas.rect(x + 5, y - 10, 12, 12, fill: entry.color)
            } else if entry.line {
                canvas.line(x, y - 4, x + Self.swatchWidth, y - 4, stroke: entry.color, width: 2.4, dash: entry.dash)
            }
            if entry.marker {
                canvas.raw(
                    "<circle cx=\"\(SVGCanvas.number(x + Self.swatchWidth / 2))\" cy=\"\(SVGCanvas.number(y - 4))\" "
                        + "r=\"3\" fill=\"\(entry.color)\"/>")
            }
            canvas.text(entry.label, x: x + Self.swatchWidth + 6, y: y, size: 12, cssClass: "legend")
        }
    }
}
