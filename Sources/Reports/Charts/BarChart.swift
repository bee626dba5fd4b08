import Foundation

/// Vertical bars, one per category, each a stack of one or more parts (e.g. compute time and all-reduce wait
/// per rank). The total is written above each bar; a highlighted category gets a red outline and label.
///
///     BarChart(title: "Flash", categories: ["weights", "code"], parts: [.init(name: "bytes", values: [9000, 2100])],
///              yLabel: "bytes").svg()
public struct BarChart: Sendable {
    public struct Part: Sendable {
        public var name: String
        /// One value per category (non-negative; a non-finite value draws nothing).
        public var values: [Double]

        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    public var title: String
    public var categories: [String]
    public var parts: [Part]
    public var yLabel: String
    /// Categories drawn with an outline in the highlight color (stragglers, a failed check).
    public var highlighted: Set<Int>
    /// Appended to each total above its bar (e.g. "%" or " ms").
    public var valueSuffix: String
    public var plotWidth: Double
    public var plotHeight: Double
    /// Fixes the top of the value axis (e.g. 100 for percentages); nil fits the data.
    public var maximum: Double?

    public init(
        title: String, categories: [String], parts: [Part], yLabel: String, highlighted: Set<Int> = [],
        valueSuffix: String = "", plotWidth: Double? = nil, plotHeight: Double = 200, maximum: Double? = nil
    ) {
        for part in parts {
            precondition(
                part.values.count == categories.count,
                "BarChart \(title): part \(part.name) has \(part.values.count) values for \(categories.count) categories"
            )
        }
        self.title = title
        self.categories = categories
        self.parts = parts
        self.yLabel = yLabel
        self.highlighted = highlighted
        self.valueSuffix = valueSuffix
        self.plotWidth = plotWidth ?? min(760, max(260, Double(categories.count) * 72))
        self.plotHeight = plotHeight
        self.maximum = maximum
    }

    /// The total of each category's stack.
    public var totals: [Double] {
        categories.indices.map { index in parts.reduce(0) { $0 + ($1.values[index].isFinite ? $1.values[index] : 0) } }
    }

    public func svg() -> String {
        let slot = plotWidth / Double(max(categories.count, 1))
        let labelSize = 11.0
        let widestLabel = categories.map { SVGCanvas.textWidth($0, size: labelSize) }.max() ?? 0
        let rotateLabels = widestLabel > slot - 4
        let labelHeight = rotateLabels ? min(widestLabel * 0.6 + 14, 110) : 20
        let legend = LegendLayout(
            entries: parts.count > 1
                ? parts.enumerated().map {
                    LegendLayout.Entry(label: $1.name, color: Palette.color($0), marker: false, line: false, box: true)
                }
                : [],
            width: plotWidth + PanelMargins.left)
        let titleHeight = title.isEmpty ? 10.0 : 30.0
        let left = PanelMargins.left
        let top = titleHeight + 14
        let bottom = top + plotHeight
        let width = left + plotWidth + PanelMargins.right
        let height = bottom + labelHeight + 22 + legend.height

        var axis = AxisMapping(scale: .linear, values: [0] + totals, fixed: maximum.map { 0...$0 })
        axis.pixelLower = bottom
        axis.pixelUpper = top
        var canvas = SVGCanvas()
        if !title.isEmpty { canvas.text(title, x: width / 2, y: 20, size: 14, anchor: .middle, bold: true) }
        for tick in axis.ticks {
            guard let y = axis.pixel(tick) else { continue }
            canvas.line(left, y, left + plotWidth, y, stroke: Palette.grid)
            canvas.text(axis.label(tick), x: left - 6, y: y + 4, size: 11, anchor: .end, fill: Palette.axis)
        }
        canvas.text(yLabel, x: 16, y: (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)
        let barWidth = min(48, slot * 0.7)
        for (index, category) in categories.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            var base = 0.0
            canvas.raw("<g class=\"bar\" data-category=\"\(XML.escape(category))\" data-total=\"\(totals[index])\">")
            for (partIndex, part) in parts.enumerated() {
                let value = part.values[index]
                guard value.isFinite, value > 0, let y0 = axis.pixel(base), let y1 = axis.pixel(base + value) else {
                    continue
                }
                canvas.rect(
                    center - barWidth / 2, min(y0, y1), barWidth, abs(y0 - y1), fill: Palette.color(partIndex),
                    title: "\(category), \(part.name): \(NumberFormat.short(value))\(valueSuffix)")
                base += value
            }
            let isHighlighted = highlighted.contains(index)
            if isHighlighted, let yTop = axis.pixel(base) {
                canvas.rect(
                    center - barWidth / 2 - 2, yTop - 2, barWidth + 4, bottom - yTop + 2, fill: "none",
                    stroke: Palette.highlight, strokeWidth: 2.5)
            }
            if let yTop = axis.pixel(base) {
                canvas.text(
                    NumberFormat.short(totals[index]) + valueSuffix, x: center, y: yTop - 5, size: 11, anchor: .middle,
                    bold: isHighlighted, fill: isHighlighted ? Palette.highlight : "#222")
            }
            canvas.raw("</g>")
            if rotateLabels {
                canvas.text(
                    category, x: center + 4, y: bottom + 12, size: labelSize, anchor: .end,
                    fill: isHighlighted ? Palette.highlight : "#222", rotate: -40)
            } else {
                canvas.text(
                    category, x: center, y: bottom + 16, size: labelSize, anchor: .middle,
                    fill: isHighlighted ? Palette.highlight : "#222")
            }
        }
        canvas.line(left, bottom, left + plotWidth, bottom, stroke: Palette.axis)
        canvas.line(left, top, left, bottom, stroke: Palette.axis)
        legend.draw(at: (left, bottom + labelHeight + 16), into: &canvas)
        return canvas.document(width: width, height: height, title: title.isEmpty ? "bar chart" : title)
    }
}
