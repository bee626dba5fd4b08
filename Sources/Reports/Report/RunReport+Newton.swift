extension RunReport {
    /// The grouped-Newton learning rates per parameter subset over training, and the last refresh's tensors.
    static func groupedNewtonSection(_ run: RunContents) -> ReportSection? {
        let records = run.metrics(split: "grouped-newton")
        guard let last = records.last, let subsets = last["subsets"]?.array?.compactMap(\.string), !subsets.isEmpty
        else { return nil }
        var section = ReportSection(id: "grouped-newton", title: "Grouped Newton: learning rates per subset")
        section.body.paragraph(
            "At every refresh the method computes, per subset of parameters S, the Newton step η from the "
                + "partition tensors ḡ (gradient), H̄ (Hessian) and D3 (third derivative), and applies the learning "
                + "rate lr.",
            cssClass: "lead")
        var figure = Figure(xLabel: "step", legend: .shared, panelWidth: 380)
        for (field, title, label) in [
            ("lr", "Learning rate applied", "learning rate"), ("eta", "Raw Newton step η", "η"),
        ] {
            let series = subsets.indices.map { index -> Series in
                let data = RecordSeries.component(records, x: "step", field: field, index: index)
                return Series(name: subsets[index], x: data.x, y: data.y, style: .lineAndPoints)
            }.filter { !$0.x.isEmpty }
            if !series.isEmpty {
                figure.panels.append(
                    Panel(
                        title: title, series: series, yLabel: label,
                        yScale: RecordSeries.scale(for: series.flatMap(\.y))))
            }
        }
        let damping = RecordSeries.pairs(records, x: "step", y: "damping")
        let dampings = Set(damping.y.filter(\.isFinite))
        if dampings.count == 1 {
            section.body.paragraph("Damping: \(NumberFormat.short(dampings.first!)) at every refresh.")
        }
        let unsolved = records.filter { $0["solved"]?.bool == false }.count
        if unsolved > 0 {
            section.body.paragraph("\(unsolved) of \(records.count) refreshes found no step (solved: false).")
        }
        if dampings.count > 1 {
            figure.panels.append(
                Panel(
                    title: "Damping", series: [Series(name: "damping", x: damping.x, y: damping.y, color: "#555")],
                    yLabel: "damping", yScale: RecordSeries.scale(for: damping.y)))
        }
        if !figure.panels.isEmpty {
            figure.columns = min(figure.panels.count, 2)
            section.body.figure(figure.svg())
        }
        let hBar = last["h_bar"]?.array?.map { $0.numbers ?? [] } ?? []
        func entry(_ field: String, _ index: Int) -> String {
            guard let values = last[field]?.numbers, index < values.count else { return "" }
            return NumberFormat.short(values[index])
        }
        section.body.heading("Last refresh (step \(last["step"]?.integer.map(String.init) ?? "?"))", level: 3)
        section.body.table(
            header: ["subset", "lr", "η", "ḡ", "D3"] + subsets.map { "H̄[·, \($0)]" },
            rows: subsets.indices.map { index in
                [subsets[index], entry("lr", index), entry("eta", index), entry("g_bar", index), entry("d3", index)]
                    + subsets.indices.map { column in
                        index < hBar.count && column < hBar[index].count ? NumberFormat.short(hBar[index][column]) : ""
                    }
            }, numeric: Set(1..<(5 + subsets.count)))
        return section
    }

    /// The mean-field Gauss-Newton study's (`partita gauss-newton`) losses, the spectrum of its curvature and
    /// its distances, over training. The general GGN optimizer's records (split `ggn`) are `ggnSection`'s.
    static func gaussNewtonSection(_ run: RunContents) -> ReportSection? {
        let records = run.metrics(split: "gauss-newton")
        guard !records.isEmpty else { return nil }
        var section = ReportSection(id: "gauss-newton", title: "Gauss-Newton")
        let panels: [(title: String, label: String, fields: [(String, String)])] = [
            ("Loss", "loss", [("train_loss", "train loss"), ("test_loss", "test loss")]),
            ("Singular values", "σ", [("sigma_min", "σ_min"), ("sigma_max", "σ_max")]),
            ("Condition number", "σ_max / σ_min", [("condition", "condition")]),
            ("Weighted distance", "distance", [("weighted_distance", "weighted distance")]),
            ("Gradient norm", "‖∇L‖", [("norm_grad", "gradient norm")]),
        ]
        var figure = Figure(xLabel: "step", legend: .shared, columns: 3, panelWidth: 290, panelHeight: 200)
        for panel in panels {
            let series = panel.fields.map { field, name -> Series in
                let data = RecordSeries.pairs(records, x: "step", y: field)
                return Series(name: name, x: data.x, y: data.y)
            }.filter { !$0.x.isEmpty }
            if series.isEmpty { continue }
            figure.panels.append(
                Panel(
                    title: panel.title, series: series, yLabel: panel.label,
                    yScale: RecordSeries.scale(for: series.flatMap(\.y), ratio: 10)))
        }
        guard !figure.panels.isEmpty else { return nil }
        figure.columns = min(3, figure.panels.count)
        section.body.figure(figure.svg())
        if let last = records.last {
            let fields = panels.flatMap(\.fields)
            section.body.table(
                header: ["step"] + fields.map(\.1),
                rows: [
                    [last["step"]?.text ?? ""] + fields.map { last[$0.0]?.number.map { NumberFormat.short($0) } ?? "" }
                ],
                numeric: Set(0...fields.count))
        }
        return section
    }
}
