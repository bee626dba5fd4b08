extension ConfigSchema {
    /// The reference section of `docs/configuration.md`: one table per section, every key with its type,
    /// default and meaning. A test checks that the committed doc contains exactly this text.
    public var markdownReference: String {
        var lines = [String]()
        for section in sections {
            lines.append("### `\(section.name)`")
            lines.append("")
            lines.append(section.help)
            lines.append("")
            lines.append("| key | type | default | meaning |")
            lines.append("|---|---|---|---|")
            for key in section.keys {
                let value = "\(key.defaultValue)"
                lines.append(
                    "| `\(key.name)` | \(key.type.phrase) | `\(value.isEmpty ? "\"\"" : value)` | \(key.help) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
