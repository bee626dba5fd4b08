/// A parsed JSON value, for reading the run directory's files without a fixed schema per record.
///
/// The records of `metrics.jsonl` differ by `split`, and files written by features built in parallel
/// (Alrao, grouped Newton, Gauss-Newton, Gaussianity, export) may gain fields. Reading them as plain
/// values, with typed accessors that answer nil for a missing or mistyped field, lets a report show what
/// it understands and ignore the rest instead of rejecting the whole file.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON text (see `JSONParser`); nil when it is not valid JSON.
    public init?(parsing text: some StringProtocol) {
        guard let value = JSONParser.parse(text) else { return nil }
        self = value
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// The number, or nil (`null`, which Partita writes for non-finite values, is nil too).
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number if it is a whole number.
    public var integer: Int? {
        guard let value = number, value == value.rounded(), abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var object: [String: JSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// An array of numbers, `null` entries as NaN (a gap in a plot); nil when this is not an array.
    public var numbers: [Double]? {
        array?.map { $0.number ?? .nan }
    }

    /// The value as short text for tables: numbers in their shortest form, arrays and objects as JSON.
    public var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .string(let value): value
        case .array(let values): "[" + values.map(\.jsonText).joined(separator: ", ") + "]"
        case .object(let fields):
            "{" + fields.keys.sorted().map { "\($0): \(fields[$0]!.jsonText)" }.joined(separator: ", ") + "}"
        }
    }

    private var jsonText: String {
        if case .string(let value) = self { return "\"\(value)\"" }
        return text
    }
}
