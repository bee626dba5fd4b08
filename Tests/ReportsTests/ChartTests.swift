import Foundation
import TestSupport
import Testing

@testable import Reports

/// The SVG chart API: axes, figures, bars, QQ-plots.
@Suite struct ChartTests {
    @Test func linearAxisWidensToRoundTicks() {
        let axis = AxisMapping(scale: .linear, values: [0.03, 0.97])
        #expect(axis.lower == 0 && axis.upper == 1)
        #expect(axis.ticks == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(axis.ticks.map(axis.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let steps = AxisMapping(scale: .linear, values: [10, 440])
        #expect(steps.ticks == [0, 100, 200, 300, 400, 500])
        #expect(steps.ticks.map(steps.label) == ["0", "100", "200", "300", "400", "500"])
    }

    @Test func tinyTicksUseExponents() {
        let axis = AxisMapping(scale: .linear, values: [1e-5, 1e-4])
        #expect(axis.ticks.map(axis.label) == ["0", "2.0e-5", "4.0e-5", "6.0e-5", "8.0e-5", "1.0e-4"])
    }

    @Test func aConstantSeriesStillGetsAnInterval() {
        let axis = AxisMapping(scale: .linear, values: [5, 5])
        #expect(axis.lower < 5 && axis.upper > 5)
    }

    @Test func logAxisCoversWholeDecades() {
        var axis = AxisMapping(scale: .logarithmic, values: [0.0012, 1.5, -3, 0])
        #expect(axis.lower == 0.001 && abs(axis.upper - 10) < 1e-12)
        #expect(axis.ticks.filter { [0.001, 0.01, 0.1, 1, 10].contains($0) }.count == 5)
        #expect(axis.ticks.map(axis.label).prefix(2) == ["0.001", "0.01"])
        axis.pixelLower = 0
        axis.pixelUpper = 400
        #expect(abs(axis.pixel(0.01)! - 100) < 1e-9)
        #expect(axis.pixel(0) == nil && axis.pixel(-1) == nil)
        // Twelve decades: every other one is labelled.
        let wide = AxisMapping(scale: .logarithmic, values: [1e-9, 1e3])
        #expect(wide.ticks.map(wide.label) == ["1e-9", "1e-7", "1e-5", "0.001", "0.1", "10", "1000"])
    }

    @Test(arguments: [
        (0.958217270194986, "0.9582"), (95.8217270194986, "95.82"), (1234.56, "1235"), (0.00012346, "0.0001235"),
        (3.5e-6, "3.500e-6"), (2e7, "2.000e7"), (0, "0"), (-0.25, "-0.25"),
    ])
    func shortNumbers(_ value: Double, _ expected: String) {
        #expect(NumberFormat.short(value) == expected)
    }

    @Test func figureIsWellFormedAndCarriesItsSeries() throws {
        var figure = Figure(title: "Loss & <accuracy>", xLabel: "step", yLabel: "loss", yScale: .logarithmic)
        figure.panels = [
            Panel(title: "A", series: [Series(name: "train", x: [1, 2, 3, 4], y: [1, 0.5, .nan, 0.1])]),
            Panel(title: "B", series: [Series(name: "train", x: [1, 2], y: [2, -1], style: .points)]),
        ]
        let svg = figure.svg()
        let page = try ReportPage(svg)
        // The NaN is a gap (two path pieces), the negative value cannot be placed on a log axis.
        #expect(
            page.series() == [
                .init(name: "train", points: 3, last: 0.1), .init(name: "train", points: 1, last: -1),
            ])
        let path = try #require(page.nodes("//*[local-name()='path']").first)
        #expect(ReportPage.attribute("d", of: path)?.filter { $0 == "M" }.count == 2)
        // One shared legend entry for the name used in both panels.
        #expect(page.nodes("//*[local-name()='text' and @class='legend']").count == 1)
        #expect(svg.contains("Loss &amp; &lt;accuracy&gt;"))
    }

    @Test func perPanelLegendsShowLastValues() throws {
        var figure = Figure(legend: .perPanel, showsLastValues: true)
        figure.panels = [
            Panel(series: [Series(name: "validation", x: [1, 2], y: [90, 95.8217])]),
            Panel(series: [Series(name: "validation", x: [1, 2], y: [0.3, 0.2])]),
        ]
        let labels = try ReportPage(figure.svg()).nodes("//*[local-name()='text' and @class='legend']").map {
            $0.stringValue ?? ""
        }
        #expect(labels == ["validation  95.82", "validation  0.2"])
    }

    @Test func longSeriesAreThinnedButKeepTheirEnds() throws {
        let x = (0..<10_001).map(Double.init)
        var figure = Figure()
        figure.panels = [Panel(series: [Series(name: "long", x: x, y: x.map { $0 * $0 })])]
        let series = try #require(try ReportPage(figure.svg()).series().first)
        #expect(series.points <= 2001 && series.points >= 1000)
        #expect(series.last == 1e8)
    }

    @Test func barChartStacksPartsAndHighlights() throws {
        let chart = BarChart(
            title: "t", categories: ["a", "b"],
            parts: [.init(name: "x", values: [1, 2]), .init(name: "y", values: [0.5, .nan])],
            yLabel: "ms", highlighted: [1], valueSuffix: " ms")
        #expect(chart.totals == [1.5, 2])
        let page = try ReportPage(chart.svg())
        #expect(page.nodes("//*[local-name()='g' and @class='bar']//*[local-name()='rect']").count == 3 + 1)
        #expect(page.text().contains("1.5 ms") && page.text().contains("2 ms"))
    }

    /// Reference values: a bisection of Φ(x) = ½·erfc(−x/√2) = p in Python's math.erfc (independent of AS 241),
    /// and the published Φ⁻¹(0.975) = 1.959963984540054.
    @Test(arguments: [
        (0.5, 0.0), (0.975, 1.959963984540054), (0.9, 1.2815515655446004), (0.001, -3.090232306167814),
        (1e-10, -6.361340902404057), (1e-20, -9.262340089798407), (1e-300, -37.0470962993612),
    ])
    func normalQuantile(_ p: Double, _ expected: Double) {
        let value = NormalDistribution.quantile(p)
        #expect(abs(value - expected) <= 1e-14 * max(1, abs(expected)), "Φ⁻¹(\(p)) = \(value)")
        // Symmetry, where 1 − p is itself exact enough to tell.
        if p >= 1e-3 { #expect(abs(NormalDistribution.quantile(1 - p) + value) < 1e-12) }
    }

    @Test func normalQuantileInvertsTheCDF() {
        for k in 1..<1000 {
            let p = Double(k) / 1000
            let roundTrip = 0.5 * erfc(-NormalDistribution.quantile(p) / 2.0.squareRoot())
            #expect(abs(roundTrip - p) < 1e-14, "p = \(p)")
        }
        #expect(NormalDistribution.quantile(0) == -.infinity && NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
    }

    @Test func qqPointsAreStandardizedOrderStatistics() {
        let (theoretical, sample) = QQPlot.points([3, 1, 2])
        #expect(sample == [-1, 0, 1])
        #expect(theoretical[1] == 0)
        #expect(abs(theoretical[0] - NormalDistribution.quantile(1.0 / 6)) == 0)
        // Thinned to 101 points, both extremes kept.
        let many = (0..<1000).map { Double($0 * $0) }
        let thinned = QQPlot.points(many, maxPoints: 101)
        #expect(thinned.sample.count == 101)
        let standardizedMax = QQPlot.points(many).sample.last!
        #expect(thinned.sample.last == standardizedMax)
        #expect(thinned.theoretical.first == NormalDistribution.quantile(0.5 / 1000))
    }
}
