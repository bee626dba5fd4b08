import Foundation
import TestSupport
import Testing

@testable import Reports

/// The JSON figure spec of `partita plot` (promised to the Gaussianity experiments; keep it exactly).
@Suite struct FigureSpecTests {
    static let promised = """
        {"title": "KS distance to the normal", "x_label": "width", "y_label": "KS distance", "x_log": true,
         "y_log": true,
         "panels": [{"title": "A", "series": [{"name": "odd θ=3", "x": [10, 100, 1000], "y": [0.05, 0.02, 0.0072]},
                                              {"name": "relu", "x": [10, 100, 1000], "y": [0.1, 0.08, null]}]},
                    {"title": "B", "series": [{"name": "odd θ=3", "x": [10, 100], "y": [0.04, 0.01]}]}]}
        """

    @Test func thePromisedFormatDraws() throws {
        let figure = try FigureSpec.parse(Data(Self.promised.utf8), file: "spec.json")
        #expect(figure.xScale == .logarithmic && figure.yScale == .logarithmic)
        #expect(figure.panels.map(\.title) == ["A", "B"])
        let page = try ReportPage(figure.svg())
        #expect(
            page.series() == [
                .init(name: "odd θ=3", points: 3, last: 0.0072), .init(name: "relu", points: 2, last: 0.08),
                .init(name: "odd θ=3", points: 2, last: 0.01),
            ])
        let text = page.text()
        for label in ["KS distance to the normal", "width", "KS distance", "A", "B", "odd θ=3", "relu"] {
            #expect(text.contains(label), "\(label)")
        }
    }

    @Test func extensionsAreOptional() throws {
        let spec = """
            {"panels": [{"series": [{"name": "s", "x": [1, 2], "y": [1, 4], "style": "points", "dashed": true}],
                         "y_label": "own", "y_min": 0, "y_max": 10}],
             "legend": "per-panel", "show_last": true, "columns": 1, "share_y": true, "panel_width": 200}
            """
        let figure = try FigureSpec.parse(Data(spec.utf8), file: "f.json")
        #expect(figure.legend == .perPanel && figure.showsLastValues && figure.panelWidth == 200)
        #expect(figure.panels[0].yRange == 0...10 && figure.panels[0].series[0].style == .points)
    }

    @Test(arguments: [
        ("{\"panels\": []}", "f.json: panels: at least one panel is needed"),
        ("{\"title\": \"t\"}", "f.json: panels: missing"),
        (
            "{\"panels\": [{\"series\": [{\"name\": \"s\", \"x\": [1, 2], \"y\": [1]}]}]}",
            "f.json: panels[0].series[0] (s): 2 x values but 1 y values"
        ),
        (
            "{\"y_log\": true, \"panels\": [{\"series\": [{\"name\": \"s\", \"x\": [1, 2], \"y\": [1, 0]}]}]}",
            "f.json: panels[0].series[0] (s): y[1] = 0.0 cannot be placed on a log y axis (needs y > 0)"
        ),
        ("{\"panels\": [{\"series\": [{\"x\": [1], \"y\": [1]}]}]}", "f.json: panels[0].series[0].name: missing"),
        (
            "{\"panels\": [{\"series\": [{\"name\": \"s\", \"x\": [1], \"y\": [1], \"style\": \"bars\"}]}]}",
            "f.json: panels[0].series[0].style:"
        ),
        ("{\"panels\": [", "f.json: not valid JSON"),
    ])
    func badSpecsAreOneLine(_ spec: String, _ expected: String) {
        #expect {
            _ = try FigureSpec.parse(Data(spec.utf8), file: "f.json")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix(expected) && !message.contains("\n")
        }
    }

    @Test func aMissingFileIsOneLine() {
        #expect(throws: FigureSpecError.self) { _ = try FigureSpec.load(path: "/nonexistent/spec.json") }
    }
}
