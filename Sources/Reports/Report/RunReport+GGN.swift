extension RunReport {
    /// The damped generalized Gauss-Newton optimizer (`optimizer.name: gauss-newton`, records of split `ggn`):
    /// its damping λ, the ratio ρ of actual to predicted decrease, the conjugate-gradient iterations, and which
    /// steps were rejected. (The mean-field `partita gauss-newton` study has its own section, `gauss-newton`.)
    static func ggnSection(_ run: RunContents) -> ReportSection? {
        let records = run.metrics(split: "ggn")
        guard let last = records.last else { return nil }
        var section = ReportSection(id: "ggn", title: "Gauss-Newton (GGN): damping and ρ")
        var lead =
            "Each step solves (G + λI)·d = −g by conjugate gradient, with G the generalized Gauss-Newton matrix. "
            + "ρ is the actual over the predicted decrease of the loss: λ shrinks (×2/3) when ρ > 3/4 and grows "
            + "(×3/2) when ρ < 1/4; a step that does not lower the loss is rejected."
        let rejected = records.filter { $0["accepted"]?.bool == false }.count
        if records.contains(where: { $0["accepted"]?.bool != nil }) {
            lead += " \(rejected) of \(records.count) logged steps were rejected."
        }
        section.body.paragraph(lead, cssClass: "lead")
        let panels: [(field: String, title: String, label: String, name: String)] = [
            ("damping", "Damping λ", "λ", "damping"), ("rho", "Actual / predicted decrease ρ", "ρ", "rho"),
            ("cg_iterations", "Conjugate-gradient iterations", "iterations", "CG iterations"),
            ("train_loss", "Training loss before the step", "loss", "train loss"),
        ]
        var figure = Figure(xLabel: "step", legend: .none, panelWidth: 380)
        for panel in panels {
            let data = RecordSeries.pairs(records, x: "step", y: panel.field)
            guard !data.x.isEmpty else { continue }
            let scale =
                panel.field == "rho" || panel.field == "cg_iterations" ? .linear : RecordSeries.scale(for: data.y)
            figure.panels.append(
                Panel(
                    title: panel.title,
                    series: [Series(name: panel.name, x: data.x, y: data.y, style: .lineAndPoints)],
                    yLabel: panel.label, yScale: scale))
        }
        if !figure.panels.isEmpty {
            figure.columns = min(figure.panels.count, 2)
            section.body.figure(figure.svg())
        }
        func number(_ field: String) -> String { last[field]?.number.map { NumberFormat.short($0) } ?? "" }
        section.body.heading("Last logged step", level: 3)
        section.body.table(
            header: ["step", "train loss", "damping λ", "ρ", "CG iterations", "accepted"],
            rows: [
                [
                    last["step"]?.text ?? "", number("train_loss"), number("damping"), number("rho"),
                    last["cg_iterations"]?.text ?? "", last["accepted"]?.bool.map { $0 ? "yes" : "no" } ?? "",
                ]
            ], numeric: [0, 1, 2, 3, 4])
        return section
    }
}
