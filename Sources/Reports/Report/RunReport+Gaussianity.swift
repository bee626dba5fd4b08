extension RunReport {
    /// The per-layer pre-activation statistics over training (`gaussianity.jsonl`) and QQ-plots of the last
    /// probe's samples (`gaussianity-probe.json`).
    static func gaussianitySection(_ run: RunContents) -> ReportSection? {
        let records = run.gaussianity
        let probeLayers = run.probe?["layers"]?.array ?? []
        guard !records.isEmpty || !probeLayers.isEmpty else { return nil }
        var section = ReportSection(id: "gaussianity", title: "Gaussianity of the pre-activations")
        let layers = Array(Set(records.compactMap { $0["layer"]?.integer })).sorted()

        if !records.isEmpty {
            section.body.paragraph(
                "Statistics of each layer's pre-activations on the fixed probe batch, every "
                    + "diagnostics.gaussianity_every steps. A Gaussian has skewness 0, excess kurtosis 0, a small "
                    + "Kolmogorov–Smirnov distance D to its fitted normal and a Shapiro–Wilk W close to 1.",
                cssClass: "lead")
            let panels: [(field: String, title: String, label: String)] = [
                ("mean", "Mean", "mean"), ("variance", "Variance", "variance"), ("skewness", "Skewness", "skewness"),
                ("excess_kurtosis", "Excess kurtosis", "excess kurtosis"),
                ("ks_fitted", "KS distance to the fitted normal", "KS distance D"),
                ("shapiro_w", "Shapiro–Wilk W", "W"),
            ]
            var figure = Figure(xLabel: "step", legend: .shared, columns: 3, panelWidth: 290, panelHeight: 200)
            for panel in panels {
                let series = layers.compactMap { layer -> Series? in
                    let data = RecordSeries.pairs(
                        records.filter { $0["layer"]?.integer == layer }, x: "step", y: panel.field)
                    return data.x.isEmpty
                        ? nil : Series(name: "layer \(layer)", x: data.x, y: data.y, style: .lineAndPoints)
                }
                if series.isEmpty { continue }
                let scale: AxisScale =
                    panel.field == "variance" || panel.field == "ks_fitted"
                    ? RecordSeries.scale(for: series.flatMap(\.y), ratio: 10) : .linear
                figure.panels.append(Panel(title: panel.title, series: series, yLabel: panel.label, yScale: scale))
            }
            if !figure.panels.isEmpty { section.body.figure(figure.svg()) }

            let lastStep = records.compactMap { $0["step"]?.integer }.max()
            let last = records.filter { $0["step"]?.integer == lastStep }
            func value(_ record: JSONValue, _ key: String) -> String {
                record[key]?.number.map { NumberFormat.short($0) } ?? ""
            }
            func withP(_ record: JSONValue, _ key: String, _ p: String) -> String {
                let main = value(record, key)
                let pValue = value(record, p)
                return pValue.isEmpty ? main : "\(main) (p \(pValue))"
            }
            section.body.heading("At step \(lastStep.map(String.init) ?? "?")", level: 3)
            section.body.table(
                header: [
                    "layer", "n", "mean", "variance", "skewness", "excess kurtosis", "KS D fitted", "KS D vs N(0,1)",
                    "Anderson–Darling A²", "Shapiro–Wilk W",
                ],
                rows: last.map { record in
                    [
                        record["layer"]?.text ?? "", record["n"]?.text ?? "", value(record, "mean"),
                        value(record, "variance"), value(record, "skewness"), value(record, "excess_kurtosis"),
                        withP(record, "ks_fitted", "ks_fitted_p"), withP(record, "ks_standard", "ks_standard_p"),
                        withP(record, "anderson_darling", "anderson_darling_p"),
                        withP(record, "shapiro_w", "shapiro_p"),
                    ]
                }, numeric: Set(0...9))
        }

        let qqPanels = probeLayers.compactMap { entry -> Panel? in
            guard let samples = entry["samples"]?.numbers, !samples.isEmpty else { return nil }
            let name = entry["layer"].map { "layer \($0.text)" } ?? "layer"
            return QQPlot.panel(title: "\(name) (n = \(samples.count))", samples: samples)
        }
        if !qqPanels.isEmpty {
            let step = run.probe?["step"]?.integer.map { " at step \($0)" } ?? ""
            let figure = Figure(
                title: "QQ-plots of the last probe\(step)", xLabel: "N(0, 1) quantile",
                yLabel: "standardized sample quantile", panels: qqPanels, legend: .shared, columns: 4,
                sharesYRange: false, panelWidth: 200, panelHeight: 200)
            section.body.figure(
                figure.svg(),
                caption: "Each layer's samples, standardized by their own mean and standard deviation, against the "
                    + "normal quantiles at the same probabilities: Gaussian samples lie on the dashed line.")
        }
        return section
    }
}
