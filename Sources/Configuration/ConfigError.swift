/// A config that cannot be used, located as precisely as possible: the file and line, or the `--set`
/// argument that caused it.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// `config.yaml:12`, `--set optimizer.lr=abc`, or `config` for whole-config problems.
    public let location: String
    public let message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

extension ConfigError {
    /// "unknown key 'x' in section 'y' (valid keys: ...); did you mean 'z'?"
    static func unknownKey(_ key: String, in section: ConfigSchema.Section, at location: String) -> ConfigError {
        let names = section.keys.map(\.name)
        return ConfigError(
            location: location,
            message: "unknown key '\(section.name).\(key)' (valid keys in '\(section.name)': "
                + names.joined(separator: ", ") + ")" + suggestion(key, names))
    }

    static func unknownSection(_ name: String, schema: ConfigSchema, at location: String) -> ConfigError {
        let names = schema.sections.map(\.name)
        return ConfigError(
            location: location,
            message: "unknown section '\(name)' (valid sections: \(names.joined(separator: ", ")))"
                + suggestion(name, names))
    }

    /// "; did you mean 'lr'?" when a valid name is within two edits of `name`.
    static func suggestion(_ name: String, _ candidates: [String]) -> String {
        let scored = candidates.map { ($0, editDistance($0, name)) }.filter { $0.1 <= 2 }.sorted { $0.1 < $1.1 }
        return scored.first.map { "; did you mean '\($0.0)'?" } ?? ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
