import Foundation

/// Margins around a panel's plotting area, in CSS pixels: room for tick labels, axis labels and the title.
enum PanelMargins {
    static let left = 68.0
    static let right = 22.0
    static let top = 30.0
    static let bottom = 46.0
}

extension Figure {
    /// The figure as a standalone SVG document (also valid inline in HTML).
    ///
    /// Each series is a `<g class="series">` whose `data-series` is its name, `data-points` the number of
    /// points drawn and `data-last` its last finite y value, so tests and scripts can find the data in the
    /// picture.
    public func svg() -> String {
        let columns = max(1, min(self.columns ?? panels.count, max(panels.count, 1)))
        let rows = max(1, (panels.count + columns - 1) / columns)
        let cellWidth = PanelMargins.left + panelWidth + PanelMargins.right
        let colors = colorsByName()
        let titleHeight = title.isEmpty ? 6.0 : 30.0

        let panelLegends = panels.map { legendEntries(for: $0.series, colors: colors) }
        let panelLegendHeight =
            legend == .perPanel
            ? panelLegends.map { LegendLayout(entries: $0, width: cellWidth - 16).height }.max() ?? 0 : 0
        let cellHeight = PanelMargins.top + panelHeight + PanelMargins.bottom + panelLegendHeight
        let width = Double(columns) * cellWidth + 8
        let sharedLegend = LegendLayout(
            entries: legend == .shared ? uniqueEntries(panelLegends.flatMap { $0 }) : [], width: width - 24)
        let height = titleHeight + Double(rows) * cellHeight + sharedLegend.height + 6

        var canvas = SVGCanvas()
        if !title.isEmpty { canvas.text(title, x: width / 2, y: 21, size: 15, anchor: .middle, bold: true) }
        let sharedY = sharesYRange ? panels.flatMap { $0.series.flatMap(\.y) } : nil
        for (index, panel) in panels.enumerated() {
            let originX = 4 + Double(index % columns) * cellWidth
            let originY = titleHeight + Double(index / columns) * cellHeight
            drawPanel(panel, index: index, at: (originX, originY), sharedY: sharedY, colors: colors, into: &canvas)
            if legend == .perPanel {
                LegendLayout(entries: panelLegends[index], width: cellWidth - 16).draw(
                    at: (originX + 12, originY + PanelMargins.top + panelHeight + PanelMargins.bottom), into: &canvas)
            }
        }
        sharedLegend.draw(at: (16, titleHeight + Double(rows) * cellHeight), into: &canvas)
        return canvas.document(width: width, height: height, title: title.isEmpty ? "figure" : title)
    }

    private func drawPanel(
        _ panel: Panel, index: Int, at origin: (x: Double, y: Double), sharedY: [Double]?, colors: [String: Int],
        into canvas: inout SVGCanvas
    ) {
        let left = origin.x + PanelMargins.left
        let top = origin.y + PanelMargins.top
        let right = left + panelWidth
        let bottom = top + panelHeight
        var xAxis = AxisMapping(scale: xScale, values: panel.series.flatMap(\.x))
        xAxis.pixelLower = left
        xAxis.pixelUpper = right
        var yAxis = AxisMapping(
            scale: panel.yScale ?? yScale, values: sharedY ?? panel.series.flatMap(\.y), fixed: panel.yRange)
        yAxis.pixelLower = bottom
        yAxis.pixelUpper = top

        for tick in yAxis.ticks {
            guard let y = yAxis.pixel(tick) else { continue }
            canvas.line(left, y, right, y, stroke: Palette.grid)
            canvas.text(yAxis.label(tick), x: left - 6, y: y + 4, size: 11, anchor: .end, fill: Palette.axis)
        }
        for tick in xAxis.ticks {
            guard let x = xAxis.pixel(tick) else { continue }
            canvas.line(x, top, x, bottom, stroke: Palette.grid)
            canvas.text(xAxis.label(tick), x: x, y: bottom + 16, size: 11, anchor: .middle, fill: Palette.axis)
        }
        canvas.rect(left, top, panelWidth, panelHeight, fill: "none", stroke: Palette.axis)
        if !panel.title.isEmpty {
            canvas.text(panel.title, x: (left + right) / 2, y: origin.y + 20, size: 13, anchor: .middle, bold: true)
        }
        if !xLabel.isEmpty { canvas.text(xLabel, x: (left + right) / 2, y: bottom + 36, size: 12, anchor: .middle) }
        let yText = panel.yLabel ?? (index == 0 ? yLabel : "")
        if !yText.isEmpty {
            canvas.text(yText, x: origin.x + 16, y: (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)
        }
        for series in panel.series {
            let colorIndex = colors[series.name] ?? 0
            drawSeries(
                series, color: series.color ?? Palette.color(colorIndex),
                dash: series.dashed ? "5 4" : Palette.dash(colorIndex), x: xAxis, y: yAxis, into: &canvas)
        }
    }

    /// Draws one series. Beyond 2000 points a line keeps every k-th point (and the last): more cannot be told
    /// apart at this width, and the file stays small.
    private func drawSeries(
        _ series: Series, color: String, dash: String?, x: AxisMapping, y: AxisMapping, into canvas: inout SVGCanvas
    ) {
        let stride = max(1, (series.x.count + 1999) / 2000)
        var points: [(Double, Double)?] = []
        for i in Swift.stride(from: 0, to: series.x.count, by: stride) { points.append(place(series, i, x, y)) }
        if series.x.count > 0 && (series.x.count - 1) % stride != 0 {
            points.append(place(series, series.x.count - 1, x, y))
        }
        let drawn = points.compactMap { $0 }
        let n = SVGCanvas.number
        var group = "<g class=\"series\" data-series=\"\(XML.escape(series.name))\" data-points=\"\(drawn.count)\""
        if let last = series.lastValue { group += " data-last=\"\(last)\"" }
        canvas.raw(group + "><title>\(XML.escape(series.name))</title>")
        if series.style != .points {
            var path = ""
            var penDown = false
            for point in points {
                guard let (px, py) = point else {
                    penDown = false
                    continue
                }
                path += (penDown ? "L" : (path.isEmpty ? "M" : " M")) + n(px) + " " + n(py)
                penDown = true
            }
            var element = "<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\""
            element += " stroke-linejoin=\"round\""
            if let dash { element += " stroke-dasharray=\"\(dash)\"" }
            canvas.raw(element + "/>")
        }
        if series.style != .line {
            for (px, py) in drawn {
                canvas.raw("<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"2.4\" fill=\"\(color)\"/>")
            }
        }
        canvas.raw("</g>")
    }

    private func place(_ series: Series, _ i: Int, _ x: AxisMapping, _ y: AxisMapping) -> (Double, Double)? {
        guard let px = x.pixel(series.x[i]), let py = y.pixel(series.y[i]) else { return nil }
        // With a fixed y interval, points outside it are left out rather than drawn over the axes.
        guard py >= y.pixelUpper - 0.5 && py <= y.pixelLower + 0.5 else { return nil }
        return (px, py)
    }

    /// Palette positions by series name, in order of first appearance over all panels.
    private func colorsByName() -> [String: Int] {
        var result: [String: Int] = [:]
        for series in panels.flatMap(\.series) where result[series.name] == nil {
            result[series.name] = result.count
        }
        return result
    }

    private func legendEntries(for series: [Series], colors: [String: Int]) -> [LegendLayout.Entry] {
        series.map { item in
            let index = colors[item.name] ?? 0
            var label = item.name
            if showsLastValues, let last = item.lastValue { label += "  " + NumberFormat.short(last) }
            return LegendLayout.Entry(
                label: label, color: item.color ?? Palette.color(index),
                dash: item.dashed ? "5 4" : Palette.dash(index), marker: item.style != .line,
                line: item.style != .points)
        }
    }

    private func uniqueEntries(_ entries: [LegendLayout.Entry]) -> [LegendLayout.Entry] {
        var seen = Set<String>()
        return entries.filter { seen.insert($0.label).inserted }
    }
}
