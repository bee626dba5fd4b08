/// A one-line JSON object built field by field, in insertion order.
///
/// Metrics and log records are JSON lines. Foundation's encoder refuses NaN and infinity and reorders
/// keys; here non-finite numbers become `null` (a diverged loss is still a record) and the order is the
/// order written, so files diff cleanly. Doubles print in their shortest round-trip form.
public struct JSONLine: Sendable, CustomStringConvertible {
    private var fields: [String] = []

    public init() {}

    public mutating func add(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return append(key, "null") }
        append(key, value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
    }

    public mutating func add(_ key: String, _ value: Int?) {
        append(key, value.map(String.init) ?? "null")
    }

    public mutating func add(_ key: String, _ value: String?) {
        append(key, value.map(Self.quoted) ?? "null")
    }

    public mutating func add(_ key: String, _ value: Bool) {
        append(key, value ? "true" : "false")
    }

    /// Adds an already-encoded JSON value (an array or an object).
    public mutating func add(_ key: String, raw json: String) {
        append(key, json)
    }

    public var description: String { "{" + fields.joined(separator: ",") + "}" }

    private mutating func append(_ key: String, _ encoded: String) {
        fields.append(Self.quoted(key) + ":" + encoded)
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A JSON array of numbers (non-finite values become `null`).
    public static func array(_ values: [Double]) -> String {
        "[" + values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }
}
