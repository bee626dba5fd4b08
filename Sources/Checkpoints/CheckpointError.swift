#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Everything that can go wrong when writing, reading or using a checkpoint file.
///
/// Every case carries the path of the file it is about, so the one-line `description` (`"<path>: <problem>"`)
/// tells the user which file is wrong, what is wrong with it and, where there is something to do, what to do.
/// These are environment errors (a bad or foreign file, a full disk, a checkpoint from another model), so they
/// are thrown; misuse of the API by Partita's own code is a precondition failure instead.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: File system

    /// A system call on `path` failed. `operation` says what Partita was doing ("create a temporary file",
    /// "rename the temporary file into place", ...) and `errno` is the C `errno` value it failed with.
    case fileSystem(path: String, operation: String, errno: Int32)

    // MARK: Layout of the file

    /// The file is shorter than the 8-byte header length that starts every safetensors file.
    case tooShort(path: String, byteCount: Int)

    /// The header length is plausible but the file ends before the header does: usually a copy that was cut
    /// short.
    case truncated(path: String, declaredHeaderBytes: UInt64, availableBytes: Int)

    /// The first 8 bytes cannot be a safetensors header length: it is absurd (over the limit) and larger than
    /// the whole file, so the file is something else entirely.
    case notSafeTensors(path: String, headerLength: UInt64, fileSize: Int)

    /// The header length is over `limit` bytes (the Python library's limit, 100 MB); the file fits it, but no
    /// real checkpoint has such a header.
    case headerTooLarge(path: String, headerLength: UInt64, limit: Int)

    /// The header bytes are not valid UTF-8.
    case headerNotUTF8(path: String)

    /// The header is not JSON; `detail` is the parser's reason, when it gave one.
    case headerNotJSON(path: String, detail: String)

    /// The header is JSON but not an object (`{...}`).
    case headerNotObject(path: String)

    /// The `__metadata__` entry is not an object of strings. `key` names the offending value, or is `nil`
    /// when `__metadata__` itself is not an object.
    case invalidMetadata(path: String, key: String?)

    /// A tensor's header entry is malformed: `problem` says how ("has no 'dtype'", "'shape' is not an array
    /// of integers", ...).
    case invalidTensorEntry(path: String, tensor: String, problem: String)

    /// A tensor's dtype string is not one Partita reads (`SafeTensors.DType`).
    case unsupportedDType(path: String, tensor: String, dtype: String)

    /// A tensor's shape has a negative dimension.
    case negativeDimension(path: String, tensor: String, shape: [Int])

    /// A tensor's shape has more elements (or bytes) than fit in an `Int`.
    case shapeTooLarge(path: String, tensor: String, shape: [Int])

    /// A tensor's data offsets are reversed or run past the end of the data section of `dataSize` bytes.
    case offsetsOutOfRange(path: String, tensor: String, offsets: [Int], dataSize: Int)

    /// A tensor's data offsets span a different number of bytes than its shape and dtype need.
    case sizeMismatch(path: String, tensor: String, offsets: [Int], shape: [Int], dtype: SafeTensors.DType)

    /// Two tensors share bytes of the data section.
    case overlappingTensors(path: String, first: String, second: String)

    /// Bytes `range` of the data section belong to no tensor. `after` and `before` name the neighbouring
    /// tensors (`nil` at the start or the end of the data section). The Python library rejects these too.
    case unusedBytes(path: String, range: Range<Int>, after: String?, before: String?)

    // MARK: Contents, checked by the code that uses the file

    /// A tensor the caller needs is not in the file.
    case missingTensor(path: String, tensor: String)

    /// A tensor is stored with another dtype than the caller reads it as.
    case dtypeMismatch(path: String, tensor: String, found: SafeTensors.DType, expected: SafeTensors.DType)

    /// A tensor has another shape than the model needs: the checkpoint is from a differently configured model.
    case shapeMismatch(path: String, tensor: String, found: [Int], expected: [Int])

    /// A metadata key the caller needs is not in the file.
    case missingMetadata(path: String, key: String)

    /// A metadata value is present but cannot be used; `problem` says why (e.g. "is not an integer").
    case invalidMetadataValue(path: String, key: String, value: String, problem: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileSystem(let path, _, _), .tooShort(let path, _), .truncated(let path, _, _),
            .notSafeTensors(let path, _, _), .headerTooLarge(let path, _, _), .headerNotUTF8(let path),
            .headerNotJSON(let path, _), .headerNotObject(let path), .invalidMetadata(let path, _),
            .invalidTensorEntry(let path, _, _), .unsupportedDType(let path, _, _),
            .negativeDimension(let path, _, _), .shapeTooLarge(let path, _, _),
            .offsetsOutOfRange(let path, _, _, _), .sizeMismatch(let path, _, _, _, _),
            .overlappingTensors(let path, _, _), .unusedBytes(let path, _, _, _), .missingTensor(let path, _),
            .dtypeMismatch(let path, _, _, _), .shapeMismatch(let path, _, _, _), .missingMetadata(let path, _),
            .invalidMetadataValue(let path, _, _, _):
            return path
        }
    }

    /// One line, `"<path>: <problem>"`, for the user. Control characters (a newline in a tensor name, a
    /// multi-line metadata value) are escaped, so the message stays on one line whatever the file holds.
    public var description: String {
        "\(escaped(path)): \(escaped(problem))"
    }

    /// The part of `description` after the path.
    var problem: String {
        switch self {
        case .fileSystem(_, let operation, let code):
            return "cannot \(operation): \(String(cString: strerror(code)))"
        case .tooShort(_, let byteCount):
            return "truncated: the file holds \(byteCount) bytes, less than the 8-byte header length of a "
                + "safetensors file"
        case .truncated(_, let declared, let available):
            return "truncated: header declares \(declared) bytes of JSON, file holds \(available)"
        case .notSafeTensors(_, let headerLength, let fileSize):
            return "not a safetensors file (header length \(headerLength) exceeds file size \(fileSize))"
        case .headerTooLarge(_, let headerLength, let limit):
            return "header length \(headerLength) exceeds the limit of \(limit) bytes"
        case .headerNotUTF8:
            return "header is not valid UTF-8"
        case .headerNotJSON(_, let detail):
            return detail.isEmpty ? "header is not valid JSON" : "header is not valid JSON: \(detail)"
        case .headerNotObject:
            return "header is not a JSON object"
        case .invalidMetadata(_, let key?):
            return "metadata value for \(quoted(key)) is not a string (safetensors metadata maps strings to "
                + "strings)"
        case .invalidMetadata(_, nil):
            return "'__metadata__' is not a JSON object of strings"
        case .invalidTensorEntry(_, let tensor, let problem):
            return "tensor \(quoted(tensor)) \(problem)"
        case .unsupportedDType(_, let tensor, let dtype):
            let known = SafeTensors.DType.allCases.map(\.rawValue).joined(separator: ", ")
            return "unsupported dtype \(quoted(dtype)) for tensor \(quoted(tensor)) (Partita reads \(known))"
        case .negativeDimension(_, let tensor, let shape):
            return "tensor \(quoted(tensor)) has a negative dimension in shape \(shape)"
        case .shapeTooLarge(_, let tensor, let shape):
            return "tensor \(quoted(tensor)) has shape \(shape), too large to address"
        case .offsetsOutOfRange(_, let tensor, let offsets, let dataSize):
            if offsets[0] > offsets[1] {
                return "tensor \(quoted(tensor)) data offsets \(offsets) are reversed"
            }
            return "tensor \(quoted(tensor)) data offsets \(offsets) run past the end of the \(dataSize)-byte data "
                + "section (truncated file?)"
        case .sizeMismatch(_, let tensor, let offsets, let shape, let dtype):
            let needed = SafeTensors.byteCount(of: shape, dtype: dtype).map { "\($0) bytes" } ?? "too many bytes"
            return "tensor \(quoted(tensor)) data offsets \(offsets) do not match shape \(shape) of "
                + "\(dtype.rawValue) (\(needed))"
        case .overlappingTensors(_, let first, let second):
            return "tensors \(quoted(first)) and \(quoted(second)) overlap"
        case .unusedBytes(_, let range, let after, let before):
            let bytes = "data section bytes [\(range.lowerBound), \(range.upperBound)) belong to no tensor"
            switch (after, before) {
            case (let after?, let before?): return "\(bytes) (between \(quoted(after)) and \(quoted(before)))"
            case (let after?, nil): return "\(bytes) (after the last tensor, \(quoted(after)))"
            case (nil, let before?): return "\(bytes) (before the first tensor, \(quoted(before)))"
            case (nil, nil): return "\(bytes) (the file has no tensors)"
            }
        case .missingTensor(_, let tensor):
            return "missing tensor \(quoted(tensor))"
        case .dtypeMismatch(_, let tensor, let found, let expected):
            return "tensor \(quoted(tensor)) is stored as \(found.rawValue) but is read as \(expected.rawValue)"
        case .shapeMismatch(_, let tensor, let found, let expected):
            return "tensor \(quoted(tensor)) has shape \(found) but the model needs \(expected) (the checkpoint is "
                + "from a differently configured model)"
        case .missingMetadata(_, let key):
            return "missing metadata key \(quoted(key))"
        case .invalidMetadataValue(_, let key, let value, let problem):
            return "metadata \(quoted(key)) = \(quoted(value)) \(problem)"
        }
    }
}

extension CheckpointError {
    /// `'text'`, for names and values inside an error message.
    private func quoted(_ text: String) -> String {
        "'\(text)'"
    }

    /// `text` with newlines, tabs and other control characters written as escapes (`\n`, `\t`, `\u{1B}`), so
    /// that it stays on one line.
    private func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        return text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: false) : String(scalar)
        }.joined()
    }
}
