/// A value in the small subset of Python literal syntax that numpy writes in a `.npy` header, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 64), }`.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case sequence([PythonLiteral])  // a tuple or a list
    case dictionary([String: PythonLiteral])
}

/// A recursive-descent parser for `PythonLiteral`. It accepts what numpy's `format.write_array_header_*`
/// writes (and Python 2's `3L` integers); anything else is an error whose text says what was expected where.
struct PythonLiteralParser {
    private let text: [UInt8]
    private var index = 0

    init(_ text: String) { self.text = Array(text.utf8) }

    /// Parses the whole text as one literal, optionally followed by white space.
    static func parse(_ text: String) throws(ParseFailure) -> PythonLiteral {
        var parser = PythonLiteralParser(text)
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == parser.text.count else { throw parser.failure("unexpected text after the dictionary") }
        return value
    }

    /// Why parsing stopped, with the byte position.
    struct ParseFailure: Error {
        let message: String
    }

    private func failure(_ message: String) -> ParseFailure {
        ParseFailure(message: "\(message) at character \(index)")
    }

    private var current: UInt8? { index < text.count ? text[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { index += 1 }
    }

    private mutating func parseValue() throws(ParseFailure) -> PythonLiteral {
        skipWhitespace()
        guard let byte = current else { throw failure("unexpected end of header") }
        switch byte {
        case UInt8(ascii: "{"): return try parseDictionary()
        case UInt8(ascii: "("): return .sequence(try parseSequence(closing: UInt8(ascii: ")")))
        case UInt8(ascii: "["): return .sequence(try parseSequence(closing: UInt8(ascii: "]")))
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
        default: return try parseWord()
        }
    }

    private mutating func parseDictionary() throws(ParseFailure) -> PythonLiteral {
        index += 1
        var result: [String: PythonLiteral] = [:]
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .dictionary(result)
            }
            guard case .string(let key) = try parseValue() else { throw failure("expected a quoted key") }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after key '\(key)'") }
            index += 1
            result[key] = try parseValue()
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current != UInt8(ascii: "}") {
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseSequence(closing: UInt8) throws(ParseFailure) -> [PythonLiteral] {
        index += 1
        var result: [PythonLiteral] = []
        while true {
            skipWhitespace()
            if current == closing {
                index += 1
                return result
            }
            result.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current != closing {
                throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
            }
        }
    }

    private mutating func parseString() throws(ParseFailure) -> String {
        let quote = text[index]
        index += 1
        var bytes: [UInt8] = []
        while let byte = current, byte != quote {
            if byte == UInt8(ascii: "\\") { index += 1 }
            guard let escaped = current else { break }
            bytes.append(escaped)
            index += 1
        }
        guard current == quote else { throw failure("unterminated string") }
        index += 1
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func parseInteger() throws(ParseFailure) -> Int {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        let digits = String(decoding: text[start..<index], as: UTF8.self)
        if current == UInt8(ascii: "L") { index += 1 }  // Python 2 long integers, e.g. (3L, 4L)
        guard let value = Int(digits) else { throw failure("'\(digits)' is not an integer") }
        return value
    }

    private mutating func parseWord() throws(ParseFailure) -> PythonLiteral {
        let start = index
        while let byte = current, (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") {
            index += 1
        }
        switch String(decoding: text[start..<index], as: UTF8.self) {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        case "": throw failure("unexpected character '\(Character(Unicode.Scalar(text[start])))'")
        case let word: throw failure("unexpected word '\(word)'")
        }
    }
}
