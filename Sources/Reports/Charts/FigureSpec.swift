public import Foundation

/// A figure described in JSON, the input of `partita plot SPEC.json -o FIG.svg`:
///
///     {"title": "...", "x_label": "...", "y_label": "...", "x_log": false, "y_log": false,
///      "panels": [{"title": "A", "series": [{"name": "odd θ=3", "x": [...], "y": [...]}]}]}
///
/// Panels sit side by side and share the axis labels and one legend. Optional extensions: `legend`
/// ("shared", "per-panel", "none"), `show_last` (legend entries end with the last value), `columns`,
/// `share_y` (one y interval for all panels), `panel_width`, `panel_height`; per panel `y_label`, `y_log`,
/// `y_min` with `y_max`; per series `style` ("line", "points", "line+points"), `dashed`, `color`.
/// A `null` in `y` leaves a gap (Partita writes non-finite numbers as null).
public struct FigureSpec: Decodable, Sendable {
    public struct PanelSpec: Decodable, Sendable {
        var title: String?
        var series: [SeriesSpec]
        var yLabel: String?
        var yLog: Bool?
        var yMin: Double?
        var yMax: Double?

        enum CodingKeys: String, CodingKey {
            case title, series
            case yLabel = "y_label"
            case yLog = "y_log"
            case yMin = "y_min"
            case yMax = "y_max"
        }
    }

    public struct SeriesSpec: Decodable, Sendable {
        var name: String
        var x: [Double]
        var y: [Double?]
        var style: Series.Style?
        var dashed: Bool?
        var color: String?
    }

    var title: String?
    var xLabel: String?
    var yLabel: String?
    var xLog: Bool?
    var yLog: Bool?
    var panels: [PanelSpec]
    var legend: LegendPlacement?
    var showLast: Bool?
    var columns: Int?
    var shareY: Bool?
    var panelWidth: Double?
    var panelHeight: Double?

    enum CodingKeys: String, CodingKey {
        case title, panels, legend, columns
        case xLabel = "x_label"
        case yLabel = "y_label"
        case xLog = "x_log"
        case yLog = "y_log"
        case showLast = "show_last"
        case shareY = "share_y"
        case panelWidth = "panel_width"
        case panelHeight = "panel_height"
    }

    /// Reads and checks the spec at `path` (named in errors).
    public static func load(path: String) throws(FigureSpecError) -> Figure {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FigureSpecError(file: path, message: "cannot read the file (missing or not readable)")
        }
        return try parse(data, file: path)
    }

    /// Decodes and checks a spec: every series has as many x as y values, log axes get positive values,
    /// sizes are sensible.
    public static func parse(_ data: Data, file: String) throws(FigureSpecError) -> Figure {
        let spec: FigureSpec
        do {
            spec = try JSONDecoder().decode(FigureSpec.self, from: data)
        } catch let error as DecodingError {
            throw FigureSpecError(file: file, message: describe(error))
        } catch {
            throw FigureSpecError(file: file, message: "\(error)")
        }
        return try spec.figure(file: file)
    }

    func figure(file: String) throws(FigureSpecError) -> Figure {
        func fail(_ message: String) -> FigureSpecError { FigureSpecError(file: file, message: message) }
        guard !panels.isEmpty else { throw fail("panels: at least one panel is needed") }
        if let columns, columns < 1 { throw fail("columns: must be at least 1, not \(columns)") }
        for (key, size) in [("panel_width", panelWidth), ("panel_height", panelHeight)] {
            if let size, !(size >= 50 && size <= 4000) { throw fail("\(key): must be between 50 and 4000 pixels") }
        }
        var result = Figure(
            title: title ?? "", xLabel: xLabel ?? "", yLabel: yLabel ?? "",
            xScale: xLog == true ? .logarithmic : .linear,
            yScale: yLog == true ? .logarithmic : .linear, legend: legend ?? .shared,
            showsLastValues: showLast ?? false,
            columns: columns, sharesYRange: shareY ?? false)
        if let panelWidth { result.panelWidth = panelWidth }
        if let panelHeight { result.panelHeight = panelHeight }
        for (p, panel) in panels.enumerated() {
            let panelYLog = panel.yLog ?? (yLog == true)
            var range: ClosedRange<Double>?
            switch (panel.yMin, panel.yMax) {
            case (nil, nil): range = nil
            case (let low?, let high?) where low < high && (!panelYLog || low > 0): range = low...high
            default: throw fail("panels[\(p)]: y_min and y_max go together, y_min < y_max (and > 0 on a log axis)")
            }
            var built: [Series] = []
            for (s, series) in panel.series.enumerated() {
                let place = "panels[\(p)].series[\(s)] (\(series.name))"
                guard series.x.count == series.y.count else {
                    throw fail("\(place): \(series.x.count) x values but \(series.y.count) y values")
                }
                if let bad = series.x.firstIndex(where: { !$0.isFinite || (xLog == true && $0 <= 0) }) {
                    throw fail(
                        "\(place): x[\(bad)] = \(series.x[bad]) cannot be placed on the x axis (x_log needs x > 0)")
                }
                if panelYLog, let bad = series.y.firstIndex(where: { ($0 ?? 1) <= 0 }) {
                    throw fail("\(place): y[\(bad)] = \(series.y[bad]!) cannot be placed on a log y axis (needs y > 0)")
                }
                built.append(
                    Series(
                        name: series.name, x: series.x, y: series.y.map { $0 ?? .nan }, style: series.style ?? .line,
                        dashed: series.dashed ?? false, color: series.color))
            }
            result.panels.append(
                Panel(
                    title: panel.title ?? "", series: built, yLabel: panel.yLabel,
                    yScale: panel.yLog.map { $0 ? .logarithmic : .linear }, yRange: range))
        }
        return result
    }

    /// One line for a decoding error: where in the document, and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the document" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context):
            return "\(path(context.codingPath)): wrong type (\(context.debugDescription))"
        case .valueNotFound(_, let context):
            return "\(path(context.codingPath)): null where a value is needed"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return context.codingPath.isEmpty
                ? "not valid JSON" + (underlying.map { " (\($0))" } ?? "")
                : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// A figure spec that cannot be drawn: the file and what is wrong, in one line.
public struct FigureSpecError: Error, CustomStringConvertible {
    public let file: String
    public let message: String

    public var description: String { "\(file): \(message)" }
}
