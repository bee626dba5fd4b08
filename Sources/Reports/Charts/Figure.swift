/// A figure: one or more panels of line or point series, side by side, sharing axis labels and a legend.
///
/// This is the one chart type behind `partita report` and `partita plot` (the figures of docs/experiments).
/// Build it in code or decode it from a `FigureSpec`, then call `svg()`:
///
///     var figure = Figure(title: "KS distance", xLabel: "width", yLabel: "KS distance", yScale: .logarithmic)
///     figure.panels = [Panel(title: "A", series: [Series(name: "odd θ=3", x: [10, 100], y: [0.02, 0.007])])]
///     let svg = figure.svg()
public struct Figure: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var panels: [Panel]
    public var legend: LegendPlacement
    /// Whether legend entries end with the series' last value (`validation 95.82`).
    public var showsLastValues: Bool
    /// Panels per row; nil puts them all in one row.
    public var columns: Int?
    /// Whether every panel shows the same y interval (the union of their data).
    public var sharesYRange: Bool
    /// The size of one panel's plotting area in CSS pixels (axes, labels and legend come on top).
    public var panelWidth: Double
    public var panelHeight: Double

    public init(
        title: String = "", xLabel: String = "", yLabel: String = "", xScale: AxisScale = .linear,
        yScale: AxisScale = .linear, panels: [Panel] = [], legend: LegendPlacement = .shared,
        showsLastValues: Bool = false, columns: Int? = nil, sharesYRange: Bool = false, panelWidth: Double = 360,
        panelHeight: Double = 230
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.panels = panels
        self.legend = legend
        self.showsLastValues = showsLastValues
        self.columns = columns
        self.sharesYRange = sharesYRange
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
    }
}

/// Where a figure's legend goes.
public enum LegendPlacement: String, Sendable, Codable {
    /// One legend under all panels, each series name once (the same name has the same color everywhere).
    case shared
    /// A legend under each panel (needed when legends show each panel's last values).
    case perPanel = "per-panel"
    case none
}

/// One plotting area of a figure.
public struct Panel: Sendable {
    public var title: String
    public var series: [Series]
    /// Overrides the figure's y label for this panel (then every such panel shows its own).
    public var yLabel: String?
    /// Overrides the figure's y scale for this panel.
    public var yScale: AxisScale?
    /// Fixes the y interval instead of fitting it to the data.
    public var yRange: ClosedRange<Double>?

    public init(
        title: String = "", series: [Series] = [], yLabel: String? = nil, yScale: AxisScale? = nil,
        yRange: ClosedRange<Double>? = nil
    ) {
        self.title = title
        self.series = series
        self.yLabel = yLabel
        self.yScale = yScale
        self.yRange = yRange
    }
}

/// Points `(x[i], y[i])` drawn as a line, as markers, or both. A non-finite y leaves a gap in the line.
public struct Series: Sendable {
    public enum Style: String, Sendable, Codable {
        case line, points
        case lineAndPoints = "line+points"
    }

    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: Style
    public var dashed: Bool
    /// A CSS color; nil takes the next palette color (by name, the same across the figure's panels).
    public var color: String?

    public init(
        name: String, x: [Double], y: [Double], style: Style = .line, dashed: Bool = false, color: String? = nil
    ) {
        precondition(x.count == y.count, "Series \(name): \(x.count) x values, \(y.count) y values")
        self.name = name
        self.x = x
        self.y = y
        self.style = style
        self.dashed = dashed
        self.color = color
    }

    /// The last finite y value, shown in legends with `showsLastValues`.
    public var lastValue: Double? { y.last { $0.isFinite } }
}
