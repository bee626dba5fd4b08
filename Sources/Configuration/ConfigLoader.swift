import Foundation
import Yams

/// Builds a `ResolvedConfig` from defaults, an optional YAML file and `--set section.key=value` overrides,
/// rejecting unknown sections and keys (with the valid names and a suggestion) and wrongly typed or
/// out-of-range values, each with its file and line.
public enum ConfigLoader {
    /// Loads `path` (if given) and applies `overrides` (each `section.key=value`, the value in YAML syntax,
    /// e.g. `model.hidden=[256, 128]`).
    public static func load(
        path: String?, overrides: [String] = [], schema: ConfigSchema = .partita
    ) throws(ConfigError) -> ResolvedConfig {
        var config = ResolvedConfig(schema: schema)
        if let path {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigError(location: path, message: "cannot read the config file (\(Self.reason(error)))")
            }
            try apply(yaml: text, source: path, to: &config)
        }
        try apply(overrides: overrides, to: &config)
        try checkCombinations(config)
        return config
    }

    /// Applies `--set` overrides to a config. Values are YAML (`[64, 32]`, `1e-3`, `true`), except for
    /// string keys (names, paths), which take the text after `=` literally.
    public static func apply(overrides: [String], to config: inout ResolvedConfig) throws(ConfigError) {
        for override in overrides {
            let location = "--set \(override)"
            guard let equals = override.firstIndex(of: "=") else {
                throw ConfigError(location: location, message: "expected section.key=value, e.g. optimizer.lr=0.01")
            }
            let path = String(override[..<equals]).trimmingCharacters(in: .whitespaces)
            let text = String(override[override.index(after: equals)...])
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw ConfigError(location: location, message: "'\(path)' is not of the form section.key")
            }
            guard let section = config.schema.section(parts[0]) else {
                throw .unknownSection(parts[0], schema: config.schema, at: location)
            }
            guard let key = section.keys.first(where: { $0.name == parts[1] }) else {
                throw .unknownKey(parts[1], in: section, at: location)
            }
            if key.type == .string {
                config.set(key.path, .string(text))  // names and paths are taken literally, not as YAML
                continue
            }
            let node: Node
            do {
                node = try Yams.compose(yaml: text) ?? Node("")
            } catch {
                throw ConfigError(location: location, message: "the value is not valid YAML: \(describe(error))")
            }
            config.set(key.path, try convert(node, for: key, at: location))
        }
    }

    /// Parses YAML text and sets every key it names.
    public static func apply(yaml text: String, source: String, to config: inout ResolvedConfig) throws(ConfigError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(location: source + location(of: error), message: "not valid YAML: \(describe(error))")
        }
        guard let root else { return }  // an empty file (or only comments) means "all defaults"
        guard case .mapping(let sections) = root else {
            throw ConfigError(
                location: at(source, root), message: "the config must be a mapping of sections (run:, data:, ...)")
        }
        var seenSections = Set<String>()
        for (sectionNode, body) in sections {
            guard let sectionName = sectionNode.scalar?.string else {
                throw ConfigError(location: at(source, sectionNode), message: "section names must be plain words")
            }
            guard let section = config.schema.section(sectionName) else {
                throw .unknownSection(sectionName, schema: config.schema, at: at(source, sectionNode))
            }
            guard seenSections.insert(sectionName).inserted else {
                throw ConfigError(location: at(source, sectionNode), message: "section '\(sectionName)' appears twice")
            }
            if case .scalar(let scalar) = body,
                scalar.tag.description == Tag.Name.null.rawValue || scalar.string.isEmpty
            {
                continue  // `section:` with nothing under it
            }
            guard case .mapping(let keys) = body else {
                throw ConfigError(
                    location: at(source, body), message: "section '\(sectionName)' must be a mapping of key: value")
            }
            var seenKeys = Set<String>()
            for (keyNode, valueNode) in flattened(keys, in: section) {
                guard let keyName = keyNode.scalar?.string else {
                    throw ConfigError(location: at(source, keyNode), message: "keys must be plain words")
                }
                guard let key = section.keys.first(where: { $0.name == keyName }) else {
                    throw .unknownKey(keyName, in: section, at: at(source, keyNode))
                }
                guard seenKeys.insert(keyName).inserted else {
                    throw ConfigError(location: at(source, keyNode), message: "key '\(key.path)' appears twice")
                }
                config.set(key.path, try convert(valueNode, for: key, at: at(source, valueNode)))
            }
        }
    }

    /// The key/value pairs of a section, with a group's mapping (`early_stopping: {metric: ..., patience: 3}`)
    /// spelled as the schema's dotted keys (`early_stopping.metric`, `early_stopping.patience`).
    static func flattened(_ keys: Node.Mapping, in section: ConfigSchema.Section) -> [(Node, Node)] {
        keys.flatMap { keyNode, valueNode -> [(Node, Node)] in
            guard case .mapping(let group) = valueNode, let name = keyNode.scalar?.string,
                section.keys.contains(where: { $0.name.hasPrefix(name + ".") })
            else { return [(keyNode, valueNode)] }
            return group.map { subkey, value in
                var dotted = subkey
                if let sub = subkey.scalar?.string {
                    dotted = .scalar(Node.Scalar(name + "." + sub, Tag(.str), .plain, subkey.mark))
                }
                return (dotted, value)
            }
        }
    }

    /// Converts a YAML node to the key's type, or explains why it cannot.
    static func convert(_ node: Node, for key: ConfigKey, at location: String) throws(ConfigError) -> ConfigValue {
        func mismatch(_ found: String) -> ConfigError {
            ConfigError(location: location, message: "\(key.path) must be \(key.type.phrase), got \(found)")
        }
        let found = describe(node)
        switch key.type {
        case .integer(let range):
            guard let text = node.scalar?.string, let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
                throw mismatch(found)
            }
            guard range.contains(value) else { throw mismatch(found) }
            return .integer(value)
        case .number(let range):
            guard let text = node.scalar?.string, let value = Double(text.replacingOccurrences(of: "_", with: "")),
                value.isFinite
            else { throw mismatch(found) }
            guard range.contains(value) else { throw mismatch(found) }
            return .number(value)
        case .boolean:
            switch node.scalar?.string.lowercased() {
            case "true", "yes", "on": return .boolean(true)
            case "false", "no", "off": return .boolean(false)
            default: throw mismatch(found)
            }
        case .string:
            guard let text = node.scalar?.string else { throw mismatch(found) }
            return .string(text)
        case .choice(let choices):
            guard let text = node.scalar?.string, choices.contains(text) else {
                var error = mismatch(found)
                if let text = node.scalar?.string {
                    error = ConfigError(
                        location: location, message: error.message + ConfigError.suggestion(text, choices))
                }
                throw error
            }
            return .string(text)
        case .integerList(let range, let minimumCount):
            var items = [Int]()
            if case .sequence(let sequence) = node {
                for item in sequence {
                    guard let text = item.scalar?.string, let value = Int(text), range.contains(value) else {
                        throw mismatch(found)
                    }
                    items.append(value)
                }
            } else if let text = node.scalar?.string, let value = Int(text), range.contains(value) {
                items = [value]  // `hidden: 64` means one hidden layer
            } else {
                throw mismatch(found)
            }
            guard items.count >= minimumCount else { throw mismatch(found) }
            return .integerList(items)
        case .stringList:
            if case .sequence(let sequence) = node {
                var items = [String]()
                for item in sequence {
                    guard let text = item.scalar?.string else { throw mismatch("a list holding \(describe(item))") }
                    items.append(text)
                }
                return .stringList(items)
            }
            guard let text = node.scalar?.string else { throw mismatch(found) }
            return .stringList(text.isEmpty ? [] : [text])
        }
    }

    // MARK: Messages

    static func at(_ source: String, _ node: Node) -> String {
        guard let mark = node.mark else { return source }
        return "\(source):\(mark.line)"
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func location(of error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return "" }
        switch yamlError {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return ":\(mark.line)"
        default: return ""
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return reason(error) }
        switch yamlError {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return String(describing: yamlError).split(separator: "\n").first.map(String.init) ?? "YAML error"
        }
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            let posix = POSIXErrorCode(rawValue: Int32(underlying.code)), underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(posix.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return nsError.localizedDescription
    }
}
