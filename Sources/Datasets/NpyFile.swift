/// Reads numpy's `.npy` files (format versions 1.0, 2.0 and 3.0) without copying the data.
///
/// Layout: the magic `\x93NUMPY`, a major and a minor version byte, the header length (2 bytes little-endian
/// in version 1, 4 bytes in versions 2 and 3), then a Python dictionary literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 64), }`, padded, then the raw elements.
///
/// Partita reads the dtypes `<f4` (float32), `<f8` (float64), `|u1` (uint8) and `<i8` (int64), in C order
/// only. A 1-D array of shape `(n,)` is one column, `(n, 1)`; an array with more dimensions keeps its first
/// as the row count and flattens the rest, so images `(n, 28, 28)` become `(n, 784)`. The elements stay in
/// the memory-mapped file; a gzip-compressed `.npy` is decompressed once through the cache (see `DecompressionCache`).
/// As with `numpy.load`, bytes after the declared data are ignored.
public enum NpyFile {
    /// What a `.npy` header declares.
    struct Header: Sendable, Equatable {
        /// The format version, e.g. `(1, 0)`.
        var version: (major: UInt8, minor: UInt8)
        /// The dtype string, e.g. `"<f4"`.
        var descr: String
        /// Whether the data is in Fortran (column-major) order; Partita rejects `true`.
        var fortranOrder: Bool
        /// The array's shape, e.g. `[1000, 64]`.
        var shape: [Int]
        /// Where the data starts in the file.
        var dataOffset: Int

        static func == (lhs: Header, rhs: Header) -> Bool {
            lhs.version == rhs.version && lhs.descr == rhs.descr && lhs.fortranOrder == rhs.fortranOrder
                && lhs.shape == rhs.shape && lhs.dataOffset == rhs.dataOffset
        }

        /// The shape as numpy prints it: `(1000, 64)`, `(1000,)`.
        var shapeDescription: String {
            shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The array in the `.npy` file at `path` as a `(rows, columns)` table; see the type's documentation for
    /// the shapes and dtypes read. Throws `DataError` with a one-line description for anything else.
    /// A gzip-compressed file is decompressed into `cacheDirectory` (see `DecompressionCache`).
    public static func read(path: String, cacheDirectory: String? = DecompressionCache.defaultDirectory()) throws
        -> FeatureStorage
    {
        let (source, wasCompressed) = try DataFile.load(path: path, cacheDirectory: cacheDirectory)
        return try source.withUnsafeBytes { bytes in
            let header = try parseHeader(bytes, path: path)
            let elementType = try self.elementType(header.descr, path: path)
            if header.fortranOrder {
                throw DataError.unsupported(
                    path: path,
                    problem: "Fortran-order (column-major) data is not supported; save a C-order copy with "
                        + "np.save(path, np.ascontiguousarray(a))")
            }
            guard let rows = header.shape.first else {
                throw DataError.unsupported(
                    path: path, problem: "a 0-dimensional array (a single number); Partita reads 1-D and 2-D arrays")
            }
            let available = bytes.count - header.dataOffset
            guard let needed = checkedProduct(header.shape + [elementType.byteCount]), needed <= available else {
                let needed = checkedProduct(header.shape + [elementType.byteCount]).map(String.init) ?? "too many"
                throw DataError.truncated(
                    path: path,
                    problem: "truncated: header declares \(header.shapeDescription) \(elementType) = \(needed) bytes "
                        + "of data, \(wasCompressed ? "decompressed " : "")file holds \(available)")
            }
            let columns = header.shape.dropFirst().reduce(1, *)
            var storage = FeatureStorage(
                rows: rows, columns: columns, elementType: elementType, source: source,
                byteOffset: header.dataOffset)
            if header.shape.count > 2 { storage.sampleDimensions = Array(header.shape.dropFirst()) }
            return storage
        }
    }

    /// The header of the `.npy` data in `bytes` (the file at `path`, for messages).
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Header {
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            if bytes.count >= 4 && bytes.prefix(4).elementsEqual([0x50, 0x4B, 0x03, 0x04]) {
                throw DataError.malformed(
                    path: path,
                    problem: "this is a .npz (zip) archive, not a .npy file; extract each array with numpy "
                        + "(np.load(path)['name']) and np.save it on its own")
            }
            let start = bytes.prefix(6).map { "0x" + String($0, radix: 16) }.joined(separator: " ")
            throw DataError.malformed(path: path, problem: "not a .npy file: it starts with \(start), not \\x93NUMPY")
        }
        guard bytes.count >= 10 else {
            throw DataError.truncated(path: path, problem: "truncated: the file ends inside the .npy preamble")
        }
        let major = bytes[6]
        let minor = bytes[7]
        let lengthStart: Int
        let headerLength: Int
        switch major {
        case 1:
            lengthStart = 10
            headerLength = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
        case 2, 3:
            guard bytes.count >= 12 else {
                throw DataError.truncated(path: path, problem: "truncated: the file ends inside the .npy preamble")
            }
            lengthStart = 12
            headerLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        default:
            throw DataError.unsupported(
                path: path,
                problem: "npy format version \(major).\(minor) is not supported (Partita reads 1.0, 2.0, 3.0)")
        }
        let dataOffset = lengthStart + headerLength
        guard dataOffset <= bytes.count else {
            throw DataError.truncated(
                path: path,
                problem: "truncated: the .npy header declares \(headerLength) bytes, the file holds "
                    + "\(bytes.count - lengthStart) after the preamble")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[lengthStart..<dataOffset])
        guard let text = String(validating: headerBytes, as: UTF8.self) else {
            throw DataError.malformed(path: path, problem: "malformed header: not valid UTF-8 text")
        }
        let trimmed = text.trimmingWhitespace()
        func malformed(_ why: String) -> DataError {
            .malformed(path: path, problem: "malformed header: \(why) in \(trimmed.prefix(200))")
        }
        let literal: PythonLiteral
        do {
            literal = try PythonLiteralParser.parse(text)
        } catch {
            throw malformed(error.message)
        }
        guard case .dictionary(let dictionary) = literal else { throw malformed("not a dictionary") }
        guard case .string(let descr)? = dictionary["descr"] else {
            if dictionary["descr"] != nil {
                throw DataError.unsupported(
                    path: path,
                    problem: "unsupported dtype: a structured dtype (Partita reads float32, float64, uint8, int64); "
                        + "save one plain array per field")
            }
            throw malformed("no 'descr' string")
        }
        guard case .boolean(let fortranOrder)? = dictionary["fortran_order"] else {
            throw malformed("no 'fortran_order' True/False")
        }
        guard case .sequence(let shapeItems)? = dictionary["shape"] else { throw malformed("no 'shape' tuple") }
        var shape: [Int] = []
        for item in shapeItems {
            guard case .integer(let extent) = item, extent >= 0 else {
                throw malformed("'shape' must hold non-negative integers")
            }
            shape.append(extent)
        }
        return Header(
            version: (major, minor), descr: descr, fortranOrder: fortranOrder, shape: shape, dataOffset: dataOffset)
    }

    /// The element type for a dtype string, or the error that explains why it is not read.
    static func elementType(_ descr: String, path: String) throws -> FeatureStorage.ElementType {
        switch descr {
        case "<f4", "=f4": return .float32
        case "<f8", "=f8": return .float64
        case "|u1", "<u1", "=u1", ">u1": return .uint8  // one byte has no byte order
        case "<i8", "=i8": return .int64
        case ">f4", ">f8", ">i8":
            throw DataError.unsupported(
                path: path,
                problem: "big-endian data ('\(descr)') is not supported; convert with numpy's "
                    + ".astype('<\(descr.dropFirst())')")
        default:
            let kind = descr.dropFirst().first
            let hint: String
            switch kind {
            case "i", "u", "b": hint = "; convert with numpy's .astype('<i8')"
            case "f": hint = "; convert with numpy's .astype('<f4') or .astype('<f8')"
            default: hint = ""
            }
            throw DataError.unsupported(
                path: path,
                problem: "unsupported dtype '\(descr)' (Partita reads float32, float64, uint8, int64)\(hint)")
        }
    }
}

/// The product of `factors`, or `nil` if it overflows `Int` (a corrupt header can declare any shape).
func checkedProduct(_ factors: [Int]) -> Int? {
    var product = 1
    for factor in factors {
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        if overflow { return nil }
        product = result
    }
    return product
}

extension String {
    /// The string without leading and trailing spaces, tabs, carriage returns and newlines.
    func trimmingWhitespace() -> Substring { self[...].trimmingWhitespace() }
}
