import Tensors

/// A complete config: every key of the schema with a value, from the defaults, a YAML file and `--set`
/// overrides, in that order of precedence (last wins).
public struct ResolvedConfig: Sendable, Equatable {
    public let schema: ConfigSchema
    /// `section.key` → value, for every key of the schema.
    public private(set) var values: [String: ConfigValue]

    /// The defaults.
    public init(schema: ConfigSchema = .partita) {
        self.schema = schema
        var values = [String: ConfigValue]()
        for key in schema.allKeys { values[key.path] = key.defaultValue }
        self.values = values
    }

    public static func == (a: ResolvedConfig, b: ResolvedConfig) -> Bool { a.values == b.values }

    mutating func set(_ path: String, _ value: ConfigValue) {
        precondition(schema.key(path) != nil, "ResolvedConfig: no key \(path)")
        values[path] = value
    }

    // MARK: Typed access (keys are checked against the schema at parse time, so a miss is a programming error)

    public func value(_ path: String) -> ConfigValue {
        guard let value = values[path] else { preconditionFailure("ResolvedConfig: no key \(path)") }
        return value
    }

    public func integer(_ path: String) -> Int {
        guard case .integer(let v) = value(path) else { preconditionFailure("\(path) is not an integer") }
        return v
    }

    public func number(_ path: String) -> Double {
        switch value(path) {
        case .number(let v): return v
        case .integer(let v): return Double(v)
        default: preconditionFailure("\(path) is not a number")
        }
    }

    public func boolean(_ path: String) -> Bool {
        guard case .boolean(let v) = value(path) else { preconditionFailure("\(path) is not a boolean") }
        return v
    }

    public func string(_ path: String) -> String {
        guard case .string(let v) = value(path) else { preconditionFailure("\(path) is not a string") }
        return v
    }

    public func integerList(_ path: String) -> [Int] {
        guard case .integerList(let v) = value(path) else { preconditionFailure("\(path) is not a list") }
        return v
    }

    /// `run.seed`, which every random stream and the checkpoint metadata use.
    public var seed: Int { integer("run.seed") }

    /// The config as YAML, section by section in schema order, every key present. Reading it back gives
    /// an equal config, so it is what the run directory and checkpoints store.
    public var yaml: String {
        var lines = ["# Partita resolved config: every key with its value (defaults filled in)."]
        for section in schema.sections {
            lines.append("\(section.name):")
            for key in section.keys { lines.append("  \(key.name): \(value(key.path))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// FNV-1a 64 of the YAML text: equal configs have equal hashes on every rank and host.
    public var hash: UInt64 { FNV1a.hash(Array(yaml.utf8)) }
}
