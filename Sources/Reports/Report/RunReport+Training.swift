extension RunReport {
    /// Loss and accuracy over steps for the training windows and every evaluation, and the final numbers.
    static func trainingSection(_ run: RunContents) -> ReportSection? {
        let train = run.metrics(split: "train")
        let validation = run.metrics(split: "validation")
        let test = run.metrics(split: "test")
        guard !(train.isEmpty && validation.isEmpty && test.isEmpty) else { return nil }
        var section = ReportSection(id: "training", title: "Training")

        let splits: [(name: String, records: [JSONValue], style: Series.Style)] = [
            ("train", train, .line), ("validation", validation, .lineAndPoints), ("test", test, .points),
        ]
        var lossPanel = Panel(title: "Loss", yLabel: "loss (mean per sample)")
        var accuracyPanel = Panel(title: "Accuracy", yLabel: "accuracy (%)")
        for split in splits where !split.records.isEmpty {
            let loss = RecordSeries.pairs(split.records, x: "step", y: "loss")
            if !loss.x.isEmpty {
                lossPanel.series.append(Series(name: split.name, x: loss.x, y: loss.y, style: split.style))
            }
            let accuracy = RecordSeries.pairs(split.records, x: "step", y: "accuracy", scale: 100)
            if !accuracy.x.isEmpty {
                accuracyPanel.series.append(Series(name: split.name, x: accuracy.x, y: accuracy.y, style: split.style))
            }
        }
        lossPanel.yScale = RecordSeries.scale(for: lossPanel.series.flatMap(\.y))
        var figure = Figure(
            xLabel: "step", legend: .perPanel, showsLastValues: true, panelWidth: 420, panelHeight: 250)
        figure.panels = [lossPanel] + (accuracyPanel.series.isEmpty ? [] : [accuracyPanel])
        let rates = RecordSeries.pairs(train, x: "step", y: "lr")
        if Set(rates.y.filter(\.isFinite)).count > 1 {
            figure.panels.append(
                Panel(
                    title: "Learning rate", series: [Series(name: "lr", x: rates.x, y: rates.y)],
                    yLabel: "learning rate",
                    yScale: RecordSeries.scale(for: rates.y)))
            figure.columns = 2
        }
        section.body.paragraph(
            "Train: the mean over each logging window (train.log_every steps) of the mini-batch loss and accuracy, "
                + "summed over all ranks. Validation and test: the whole split, at each evaluation. The legend gives "
                + "the last value of each curve.",
            cssClass: "lead")
        section.body.figure(figure.svg())

        var rows: [[String]] = []
        func row(_ label: String, _ record: JSONValue?) {
            guard let record else { return }
            rows.append([
                label, record["step"]?.integer.map(String.init) ?? "",
                record["loss"]?.number.map { NumberFormat.short($0, digits: 5) } ?? "n/a",
                record["accuracy"]?.number.map { NumberFormat.fixed(100 * $0, decimals: 2) + "%" } ?? "",
            ])
        }
        row("train (last window)", train.last)
        row("validation (last)", validation.last)
        let best = validation.filter { $0["accuracy"]?.number != nil }.max {
            $0["accuracy"]!.number! < $1["accuracy"]!.number!
        }
        if validation.count > 1 { row("validation (best accuracy)", best) }
        row("test", test.last)
        section.body.table(header: ["split", "step", "loss", "accuracy"], rows: rows, numeric: [1, 2, 3])
        let throughput = train.compactMap { $0["samples_per_second"]?.number }
        let stepTimes = train.compactMap { $0["step_time_ms"]?.number }
        if !throughput.isEmpty && !stepTimes.isEmpty {
            section.body.paragraph(
                "Mean over the logging windows: "
                    + NumberFormat.short(stepTimes.reduce(0, +) / Double(stepTimes.count), digits: 3)
                    + " ms per step, "
                    + NumberFormat.short(throughput.reduce(0, +) / Double(throughput.count), digits: 3)
                    + " samples per second (all ranks together).")
        }
        return section
    }
}
