extension RunReport {
    /// The Alrao switch's posterior over the output copies, each copy's loss, and the final posterior.
    static func alraoSection(_ run: RunContents) -> ReportSection? {
        let records = run.metrics(split: "alrao")
        guard let last = records.last(where: { $0["posterior"]?.numbers?.isEmpty == false }),
            let posterior = last["posterior"]?.numbers
        else { return nil }
        var section = ReportSection(id: "alrao", title: "Alrao: switch posterior over the copies")
        let rates = last["copy_lr"]?.numbers ?? []
        let names = posterior.indices.map { copy in
            copy < rates.count ? "copy \(copy) (lr \(NumberFormat.short(rates[copy], digits: 3)))" : "copy \(copy)"
        }
        let best = posterior.indices.max { posterior[$0] < posterior[$1] } ?? 0
        section.body.paragraph(
            "Alrao trains K output copies with different learning rates and averages them with weights given by a "
                + "Bayesian switch. At step \(last["step"]?.integer.map(String.init) ?? "?") the posterior puts "
                + "\(NumberFormat.short(posterior[best], digits: 3)) on \(names[best]).",
            cssClass: "lead")
        var figure = Figure(xLabel: "step", legend: .shared, panelWidth: 420)
        figure.panels.append(
            Panel(
                title: "Switch posterior",
                series: posterior.indices.map { copy in
                    let data = RecordSeries.component(records, x: "step", field: "posterior", index: copy)
                    return Series(name: names[copy], x: data.x, y: data.y)
                }, yLabel: "posterior probability"))
        let losses = posterior.indices.map { copy in
            RecordSeries.component(records, x: "step", field: "copy_loss", index: copy)
        }
        if losses.contains(where: { !$0.x.isEmpty }) {
            let series = posterior.indices.map { Series(name: names[$0], x: losses[$0].x, y: losses[$0].y) }
            figure.panels.append(
                Panel(
                    title: "Loss of each copy", series: series, yLabel: "mean mini-batch loss",
                    yScale: RecordSeries.scale(for: series.flatMap(\.y))))
        }
        section.body.figure(figure.svg())
        let chart = BarChart(
            title: "Posterior at step \(last["step"]?.integer.map(String.init) ?? "?")",
            categories: posterior.indices.map {
                $0 < rates.count ? "lr " + NumberFormat.short(rates[$0], digits: 3) : "copy \($0)"
            },
            parts: [.init(name: "posterior", values: posterior)], yLabel: "posterior probability",
            highlighted: [best])
        section.body.figure(chart.svg())
        return section
    }
}
