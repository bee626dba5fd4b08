extension RunReport {
    /// The exported model's memory (flash and RAM), cost, float-vs-int8 accuracy and sparsity
    /// (`export/export.json`, written by `partita export -o RUN/export`). Fields beyond those are listed as
    /// they are, so a newer export format still shows everything.
    static func exportSection(_ run: RunContents) -> ReportSection? {
        guard let export = run.export, let fields = export.object else { return nil }
        var section = ReportSection(id: "export", title: "Export for microcontrollers")
        var charts: [String] = []

        let flashParts = ["weights", "biases", "multipliers", "lookup_tables", "code"]
        var memoryRows: [[String]] = []
        if let flash = export["flash_bytes"] {
            for part in flashParts + ["total"] {
                if let bytes = flash[part]?.number { memoryRows.append(["flash: \(part)", NumberFormat.bytes(bytes)]) }
            }
            let present = flashParts.filter { flash[$0]?.number != nil }
            if !present.isEmpty {
                charts.append(
                    BarChart(
                        title: "Flash by part", categories: present.map { $0.replacingOccurrences(of: "_", with: " ") },
                        parts: [.init(name: "bytes", values: present.map { flash[$0]!.number! })], yLabel: "bytes",
                        valueSuffix: " B"
                    ).svg())
            }
        }
        if let ram = export["ram_bytes"] {
            for part in ["arena", "input", "output", "total"] {
                if let bytes = ram[part]?.number { memoryRows.append(["RAM: \(part)", NumberFormat.bytes(bytes)]) }
            }
        }
        if let macs = export["macs"]?.number {
            memoryRows.append(["multiply-accumulates per inference", NumberFormat.fixed(macs, decimals: 0)])
        }
        if !memoryRows.isEmpty {
            section.body.heading("Memory and cost", level: 3)
            section.body.table(header: ["", "value"], rows: memoryRows, numeric: [1])
        }

        if let accuracy = export["accuracy"], let float = accuracy["float"]?.number, let int8 = accuracy["int8"]?.number
        {
            let split = accuracy["split"]?.string ?? "test"
            var text = "Accuracy on the \(split) split"
            if let count = accuracy["count"]?.integer { text += " (\(count) samples)" }
            text +=
                ": float " + percent(float) + ", int8 " + percent(int8) + " ("
                + NumberFormat.fixed(100 * (int8 - float), decimals: 2) + " points)."
            if let before = accuracy["float_before_pruning"]?.number {
                text += " Before pruning and fine-tuning: " + percent(before) + "."
            }
            if let agreement = accuracy["agreement"]?.number {
                text +=
                    " The int8 and float models predict the same class on " + percent(agreement) + " of the samples."
            }
            section.body.paragraph(text)
            let before = accuracy["float_before_pruning"]?.number
            charts.append(
                BarChart(
                    title: "Accuracy (\(split))",
                    categories: (before == nil ? [] : ["float, before pruning"]) + ["float", "int8"],
                    parts: [
                        .init(name: "accuracy", values: ([before].compactMap { $0 } + [float, int8]).map { 100 * $0 })
                    ],
                    yLabel: "accuracy (%)", valueSuffix: "%", maximum: 100
                ).svg())
        }
        if let sparsity = sparsityByLayer(export["sparsity"]), !sparsity.isEmpty {
            charts.append(
                BarChart(
                    title: "Sparsity per layer", categories: sparsity.map(\.0),
                    parts: [.init(name: "sparsity", values: sparsity.map(\.1))], yLabel: "weights pruned (%)",
                    valueSuffix: "%", maximum: 100
                ).svg())
        }
        if !charts.isEmpty { section.body.figureRow(charts) }

        let shown: Set<String> = ["flash_bytes", "ram_bytes", "macs", "accuracy", "sparsity"]
        var other: [[String]] = []
        for key in fields.keys.filter({ !shown.contains($0) }).sorted() {
            // One level of objects is spread over rows (`settings`, `input`, ...), deeper values stay JSON.
            if let object = fields[key]!.object {
                other += object.keys.sorted().map { ["\(key).\($0)", object[$0]!.text] }
            } else {
                other.append([key, fields[key]!.text])
            }
        }
        if !other.isEmpty {
            section.body.heading("Format and settings", level: 3)
            section.body.table(header: ["key", "value"], rows: other)
        }
        return section
    }

    static func percent(_ fraction: Double) -> String {
        NumberFormat.fixed(100 * fraction, decimals: 2) + "%"
    }

    /// Per-layer sparsity in percent from export.json's `sparsity`: an array of
    /// `{"layer", "outputs", "inputs", "zeros", "sparsity"}` objects (`ExportReport.LayerSparsity`).
    static func sparsityByLayer(_ value: JSONValue?) -> [(String, Double)]? {
        guard let objects = value?.array else { return nil }
        return objects.enumerated().compactMap { index, entry in
            guard let fraction = entry["sparsity"]?.number else { return nil }
            var name = "layer " + (entry["layer"]?.text ?? "\(index)")
            if let outputs = entry["outputs"]?.integer, let inputs = entry["inputs"]?.integer {
                name += " (\(outputs)×\(inputs))"
            }
            return (name, 100 * fraction)
        }
    }
}
