extension LayerStack {
    /// The summary as a table in the style of Keras' `model.summary()`: one row per layer (index and
    /// settings, output shape, parameters, multiply-accumulates per sample), then the totals and the
    /// parameters' size in `bytesPerParameter`-byte scalars.
    public func summaryTable(bytesPerParameter: Int = 4) -> [String] {
        let rows = summary.map { row in
            [
                "\(row.index) \(row.settings)", "\(row.outputShape)", Self.grouped(row.parameters),
                Self.grouped(row.macs),
            ]
        }
        let header = ["Layer", "Output shape", "Params", "MACs"]
        let widths = (0..<4).map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let left = cells[0] + String(repeating: " ", count: widths[0] - cells[0].count)
            let shape = cells[1] + String(repeating: " ", count: widths[1] - cells[1].count)
            let parameters = String(repeating: " ", count: widths[2] - cells[2].count) + cells[2]
            let macs = String(repeating: " ", count: widths[3] - cells[3].count) + cells[3]
            return [left, shape, parameters, macs].joined(separator: "   ")
        }
        let rule = String(repeating: "=", count: widths.reduce(0, +) + 9)
        let bytes = parameterCount * bytesPerParameter
        let hundredthsOfKiB = (bytes * 100 + 512) / 1024
        let kibibytes =
            "\(hundredthsOfKiB / 100)." + (hundredthsOfKiB % 100 < 10 ? "0" : "") + "\(hundredthsOfKiB % 100)"
        let scalar = bytesPerParameter == 8 ? "float64" : "float32"
        var lines = [line(header), rule]
        lines += rows.map(line)
        lines.append(rule)
        lines.append("Input: \(inputShape)   Output: \(outputShape)")
        lines.append("Total params: \(Self.grouped(parameterCount)) (\(kibibytes) KiB as \(scalar))")
        lines.append("MACs per sample: \(Self.grouped(macs))")
        return lines
    }

    /// `61706` as `61,706`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var text = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }
}
