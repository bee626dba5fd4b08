internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

extension SafeTensors {
    /// The largest header accepted, in bytes: 100 MB, the limit of Python's `safetensors`. A larger length is
    /// taken as a sign that the file is not a safetensors file at all.
    public static let maximumHeaderLength = 100_000_000

    /// Reads and validates the safetensors file at `path`.
    ///
    /// - Throws: `CheckpointError.fileSystem` if the file cannot be read, or any error of `parse(bytes:path:)`.
    public static func read(path: String) throws(CheckpointError) -> SafeTensors {
        try parse(bytes: readFile(path), path: path)
    }

    /// Parses and validates the bytes of a safetensors file; `path` names the file in errors and becomes the
    /// result's `path`.
    ///
    /// Everything the format requires is checked, each failure with its own `CheckpointError`: the 8-byte
    /// header length (present, within the file, at most `maximumHeaderLength`), the header (UTF-8, a JSON
    /// object, `__metadata__` an object of strings), every tensor entry (`dtype` a known dtype string, `shape`
    /// non-negative integers, `data_offsets` two integers matching `shape × dtype` bytes and within the data
    /// section), and the data section (tensors neither overlap nor leave unused bytes, as in the Python
    /// library). Entries are checked in name order, so a file with several faults always reports the same one.
    /// The tensors of the result are in data-section order.
    public static func parse(bytes: [UInt8], path: String) throws(CheckpointError) -> SafeTensors {
        guard bytes.count >= 8 else { throw .tooShort(path: path, byteCount: bytes.count) }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let available = bytes.count - 8
        if headerLength > UInt64(available) {
            if headerLength > UInt64(maximumHeaderLength) {
                throw .notSafeTensors(path: path, headerLength: headerLength, fileSize: bytes.count)
            }
            throw .truncated(path: path, declaredHeaderBytes: headerLength, availableBytes: available)
        }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw .headerTooLarge(path: path, headerLength: headerLength, limit: maximumHeaderLength)
        }
        let dataStart = 8 + Int(headerLength)
        let header = bytes[8..<dataStart]
        let entries = try parseHeader(header, path: path)

        var file = SafeTensors(path: path)
        var layout: [(name: String, dtype: DType, shape: [Int], begin: Int, end: Int)] = []
        let dataSize = bytes.count - dataStart
        for (name, value) in entries.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if name == metadataKey {
                file.metadata = try parseMetadata(value, path: path)
                continue
            }
            let entry = try parseEntry(value, name: name, path: path)
            let offsets = [entry.begin, entry.end]
            if entry.begin > entry.end {
                throw .offsetsOutOfRange(path: path, tensor: name, offsets: offsets, dataSize: dataSize)
            }
            guard byteCount(of: entry.shape, dtype: entry.dtype) == entry.end - entry.begin else {
                throw .sizeMismatch(path: path, tensor: name, offsets: offsets, shape: entry.shape, dtype: entry.dtype)
            }
            guard entry.end <= dataSize else {
                throw .offsetsOutOfRange(path: path, tensor: name, offsets: offsets, dataSize: dataSize)
            }
            layout.append((name, entry.dtype, entry.shape, entry.begin, entry.end))
        }

        // The tensors must tile the data section: sorted by offsets, each starts where the previous one ended.
        layout.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var cursor = 0
        var previous: String?
        for tensor in layout {
            if tensor.begin < cursor {
                throw .overlappingTensors(path: path, first: previous!, second: tensor.name)
            }
            if tensor.begin > cursor {
                throw .unusedBytes(path: path, range: cursor..<tensor.begin, after: previous, before: tensor.name)
            }
            cursor = tensor.end
            previous = tensor.name
        }
        if cursor < dataSize {
            throw .unusedBytes(path: path, range: cursor..<dataSize, after: previous, before: nil)
        }

        for tensor in layout {
            let data = Array(bytes[(dataStart + tensor.begin)..<(dataStart + tensor.end)])
            file.add(Tensor(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: data))
        }
        return file
    }

    // MARK: - Header

    /// The header's top-level object.
    private static func parseHeader(
        _ header: ArraySlice<UInt8>, path: String
    ) throws(CheckpointError) -> [String: HeaderJSON] {
        guard String(validating: header, as: UTF8.self) != nil else { throw .headerNotUTF8(path: path) }
        let value: HeaderJSON
        do {
            value = try JSONDecoder().decode(HeaderJSON.self, from: Data(header))
        } catch {
            throw .headerNotJSON(path: path, detail: jsonErrorDetail(Data(header)))
        }
        guard case .object(let entries) = value else { throw .headerNotObject(path: path) }
        return entries
    }

    /// Why `json` does not parse, in one line, from `JSONSerialization` (whose errors say where the problem is;
    /// `JSONDecoder`'s do not). Empty if it gives no reason.
    private static func jsonErrorDetail(_ json: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
            return ""
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
            return reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    /// `__metadata__`: an object of strings, or `null` (which the Python library also accepts) for none.
    private static func parseMetadata(_ value: HeaderJSON, path: String) throws(CheckpointError) -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let object):
            var metadata: [String: String] = [:]
            for (key, value) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                guard case .string(let string) = value else { throw .invalidMetadata(path: path, key: key) }
                metadata[key] = string
            }
            return metadata
        default:
            throw .invalidMetadata(path: path, key: nil)
        }
    }

    /// One tensor's `{"dtype": …, "shape": […], "data_offsets": [begin, end]}`, with each field's type checked.
    /// Other fields are ignored, as in the Python library.
    private static func parseEntry(
        _ value: HeaderJSON, name: String, path: String
    ) throws(CheckpointError) -> (dtype: DType, shape: [Int], begin: Int, end: Int) {
        func invalid(_ problem: String) -> CheckpointError {
            .invalidTensorEntry(path: path, tensor: name, problem: problem)
        }
        guard case .object(let fields) = value else { throw invalid("is not a JSON object") }

        guard let dtypeField = fields["dtype"] else { throw invalid("has no 'dtype'") }
        guard case .string(let dtypeString) = dtypeField else { throw invalid("has a 'dtype' that is not a string") }
        guard let dtype = DType(rawValue: dtypeString) else {
            throw .unsupportedDType(path: path, tensor: name, dtype: dtypeString)
        }

        guard let shapeField = fields["shape"] else { throw invalid("has no 'shape'") }
        guard let shape = shapeField.integers else { throw invalid("has a 'shape' that is not an array of integers") }
        if shape.contains(where: { $0 < 0 }) { throw .negativeDimension(path: path, tensor: name, shape: shape) }
        if byteCount(of: shape, dtype: dtype) == nil { throw .shapeTooLarge(path: path, tensor: name, shape: shape) }

        guard let offsetsField = fields["data_offsets"] else { throw invalid("has no 'data_offsets'") }
        guard let offsets = offsetsField.integers, offsets.count == 2, offsets.allSatisfy({ $0 >= 0 }) else {
            throw invalid("has 'data_offsets' that are not two non-negative integers")
        }
        return (dtype, shape, offsets[0], offsets[1])
    }

    // MARK: - File

    /// The whole file at `path`.
    private static func readFile(_ path: String) throws(CheckpointError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileSystem(path: path, operation: "open the file", errno: errno) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw .fileSystem(path: path, operation: "read the file's size", errno: errno)
        }
        // The size is a hint: read until end of file, so a file that grows or shrinks meanwhile is still read
        // whole (and then validated).
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(path: path, operation: "read the file", errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}

/// `read(2)`. At file scope, so that `SafeTensors.read(path:)` does not shadow it.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// A parsed JSON value, keeping integers apart from other numbers and booleans apart from numbers, which
/// `JSONSerialization`'s `NSNumber`s do not.
private indirect enum HeaderJSON: Decodable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([HeaderJSON])
    case object([String: HeaderJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([HeaderJSON].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: HeaderJSON].self))
        }
    }

    /// The elements, if this is an array of integers.
    var integers: [Int]? {
        guard case .array(let elements) = self else { return nil }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let value) = element else { return nil }
            result.append(value)
        }
        return result
    }
}
