extension RunReport {
    /// The exported model's memory (flash and RAM), cost, float-vs-int8 accuracy and sparsity
    /// (`export/export.json`).
    static func exportSection(_ run: RunContents) -> ReportSection? {
        guard let export = run.export, let fields = export.object else { return nil }
        var section = ReportSection(id: "export", title: "Export for microcontrollers")
        var charts: [String] = []

        let flashParts = ["weights", "biases", "multipliers", "code"]
        var memoryRows: [[String]] = []
        if let flash = export["flash_bytes"] {
            for part in flashParts + ["total"] {
                if let bytes = flash[part]?.number { memoryRows.append(["flash: \(part)", NumberFormat.bytes(bytes)]) }
            }
            let present = flashParts.filter { flash[$0]?.number != nil }
            if !present.isEmpty {
                charts.append(
                    BarChart(
                        title: "Flash by part", categories: present,
                        parts: [.init(name: "bytes", values: present.map { flash[$0]!.number! })], yLabel: "bytes",
                        valueSuffix: " B"
                    ).svg())
            }
        }
        if let ram = export["ram_bytes"] {
            for part in ["arena", "total"] {
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
            section.body.paragraph(
                "Test accuracy: float " + NumberFormat.fixed(100 * float, decimals: 2) + "%, int8 "
                    + NumberFormat.fixed(100 * int8, decimals: 2) + "% ("
                    + NumberFormat.fixed(100 * (int8 - float), decimals: 2) + " points).")
            charts.append(
                BarChart(
                    title: "Test accuracy", categories: ["float", "int8"],
                    parts: [.init(name: "accuracy", values: [100 * float, 100 * int8])], yLabel: "accuracy (%)",
                    valueSuffix: "%", maximum: 100
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
        let other = fields.keys.filter { !shown.contains($0) }.sorted()
        if !other.isEmpty {
            section.body.heading("Settings", level: 3)
            section.body.table(header: ["key", "value"], rows: other.map { [$0, fields[$0]!.text] })
        }
        return section
    }

    /// Per-layer sparsity in percent from any of the shapes `sparsity` may take: an array of fractions, an
    /// array of `{"layer": ..., "sparsity": ...}` objects, or an object keyed by layer name.
    static func sparsityByLayer(_ value: JSONValue?) -> [(String, Double)]? {
        guard let value else { return nil }
        if let numbers = value.array?.compactMap(\.number), numbers.count == value.array?.count {
            return numbers.enumerated().map { ("layer \($0)", 100 * $1) }
        }
        if let objects = value.array {
            return objects.enumerated().compactMap { index, entry in
                guard let fraction = entry["sparsity"]?.number else { return nil }
                let name = entry["layer"]?.text ?? entry["name"]?.text ?? "\(index)"
                return ("layer \(name)", 100 * fraction)
            }
        }
        if let object = value.object {
            return object.keys.sorted().compactMap { key in object[key]?.number.map { (key, 100 * $0) } }
        }
        return nil
    }
}
