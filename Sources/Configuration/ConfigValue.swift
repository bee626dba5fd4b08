/// A typed config value. YAML gives strings and numbers; the schema decides which of these each key holds.
public enum ConfigValue: Hashable, Sendable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case string(String)
    case integerList([Int])
    case stringList([String])

    /// The value as written into the resolved `config.yaml` (valid YAML, re-readable by `ConfigLoader`).
    public var description: String {
        switch self {
        case .integer(let v): String(v)
        case .number(let v): Self.format(v)
        case .boolean(let v): v ? "true" : "false"
        case .string(let v): Self.quoteIfNeeded(v)
        case .integerList(let v): "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .stringList(let v): "[" + v.map(Self.quoteIfNeeded).joined(separator: ", ") + "]"
        }
    }

    /// Shortest round-trip form, always with a decimal point or exponent so YAML reads it back as a float.
    static func format(_ value: Double) -> String {
        let text = "\(value)"
        return text.contains(".") || text.contains("e") || text.contains("n") || text.contains("i") ? text : text + ".0"
    }

    /// Strings that YAML would read as something else (numbers, booleans, empty, with special
    /// characters) are double-quoted.
    static func quoteIfNeeded(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || "0123456789-_./+~".unicodeScalars.contains($0)
            }
            && Double(text) == nil && Int(text) == nil
            && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(text.lowercased())
            && !text.hasPrefix("-")
        if plain { return text }
        var escaped = "\""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }
}

/// What a config key accepts.
public enum ConfigType: Hashable, Sendable {
    /// An integer in `range`.
    case integer(ClosedRange<Int>)
    /// A real number in `range` (integers are accepted and converted).
    case number(ClosedRange<Double>)
    case boolean
    /// Free text (a name, a path).
    case string
    /// One of a closed list of words.
    case choice([String])
    /// A list of integers, each in `range`, with at least `minimumCount` entries.
    case integerList(ClosedRange<Int>, minimumCount: Int)
    /// A list of strings (e.g. one layer spec each); a single string is a list of one.
    case stringList

    /// How the type reads in messages and docs: "an integer in 1...1000", "one of sgd, adam".
    public var phrase: String {
        switch self {
        case .integer(let range):
            if range.upperBound == .max {
                return range.lowerBound == .min ? "an integer" : "an integer ≥ \(range.lowerBound)"
            }
            return "an integer in \(range.lowerBound)...\(range.upperBound)"
        case .number(let range):
            if range.upperBound == .infinity {
                return range.lowerBound == -.infinity
                    ? "a number" : "a number ≥ \(ConfigValue.format(range.lowerBound))"
            }
            return "a number in [\(ConfigValue.format(range.lowerBound)), \(ConfigValue.format(range.upperBound))]"
        case .boolean: return "true or false"
        case .string: return "a string"
        case .choice(let choices): return "one of " + choices.joined(separator: ", ")
        case .integerList(let range, let minimum):
            let element = range.lowerBound == .min ? "integers" : "integers ≥ \(range.lowerBound)"
            return minimum > 0 ? "a list of \(element) (at least \(minimum))" : "a list of \(element), e.g. [128, 64]"
        case .stringList: return "a list of strings"
        }
    }
}
