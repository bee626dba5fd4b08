/// Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed.
///
/// Layout (all integers big-endian): a 4-byte magic number made of two zero bytes, a type code and the
/// number of dimensions; one `UInt32` extent per dimension; then the elements, row-major. Type codes: 0x08
/// unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
///
/// The first dimension is the sample count and the others are flattened, so images `(n, 28, 28)` become
/// `(n, 784)` and labels `(n)` become one column. Unsigned bytes stay in the memory-mapped file (for a `.gz`
/// file, the decompressed cache file; see `DecompressionCache`); the big-endian types are converted into owned memory:
/// floats to little-endian float32/float64, signed integers to int64. Compression is detected from gzip's
/// magic bytes, not from the file name. The data must be exactly as long as the dimensions say.
public enum IDXFile {
    /// The array in the IDX file at `path` as a `(rows, columns)` table. Throws `DataError` with a one-line
    /// description when the file is not a well-formed IDX file. A gzip-compressed file is decompressed into
    /// `cacheDirectory` (see `DecompressionCache`).
    public static func read(path: String, cacheDirectory: String? = DecompressionCache.defaultDirectory()) throws
        -> FeatureStorage
    {
        let (source, wasCompressed) = try DataFile.load(path: path, cacheDirectory: cacheDirectory)
        let holder = wasCompressed ? "decompressed file" : "file"
        var storage = try source.withUnsafeBytes { bytes in
            guard bytes.count >= 4 else {
                throw DataError.truncated(
                    path: path,
                    problem: "truncated: the \(holder) holds \(bytes.count) bytes, less than the magic number")
            }
            let magic = UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))
            guard bytes[0] == 0 && bytes[1] == 0 else {
                let hex = String(magic, radix: 16)
                var problem =
                    "not an IDX file: magic number 0x\(String(repeating: "0", count: 8 - hex.count))\(hex), "
                    + "expected two zero bytes, a type code and a dimension count (e.g. 0x00000803 for unsigned-byte "
                    + "images, 0x00000801 for labels)"
                if bytes[0] == 0x93 && bytes[1] == UInt8(ascii: "N") { problem += "; this looks like a .npy file" }
                throw DataError.malformed(path: path, problem: problem)
            }
            let code = bytes[2]
            let dimensionCount = Int(bytes[3])
            guard let type = IDXType(rawValue: code) else {
                throw DataError.malformed(
                    path: path,
                    problem: "unknown IDX type code 0x\(String(code, radix: 16)) (known: 0x08 unsigned byte, "
                        + "0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64)")
            }
            guard dimensionCount >= 1 else {
                throw DataError.malformed(path: path, problem: "an IDX file with 0 dimensions; expected at least 1")
            }
            let dataOffset = 4 + 4 * dimensionCount
            guard bytes.count >= dataOffset else {
                throw DataError.truncated(
                    path: path,
                    problem: "truncated: \(dimensionCount) dimensions need a \(dataOffset)-byte header, the \(holder) "
                        + "holds \(bytes.count) bytes")
            }
            let shape = (0..<dimensionCount).map {
                Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self)))
            }
            let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
            let available = bytes.count - dataOffset
            let declared = checkedProduct(shape + [type.byteCount])
            guard let declared, declared == available else {
                let what =
                    "header declares \(shapeText) \(type.name) = \(declared.map(String.init) ?? "too many") "
                    + "bytes of data, \(holder) holds \(available)"
                if let declared, available > declared {
                    throw DataError.malformed(path: path, problem: "trailing bytes: \(what)")
                }
                throw DataError.truncated(path: path, problem: "truncated: \(what)")
            }
            let rows = shape[0]
            let columns = shape.dropFirst().reduce(1, *)
            let data = UnsafeRawBufferPointer(rebasing: bytes[dataOffset...])
            switch type {
            case .unsignedByte:
                return FeatureStorage(
                    rows: rows, columns: columns, elementType: .uint8, source: source, byteOffset: dataOffset)
            case .float32:
                let values = (0..<rows * columns).map {
                    Float(bitPattern: UInt32(bigEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                }
                return FeatureStorage(rows: rows, columns: columns, float32: values)
            case .float64:
                let values = (0..<rows * columns).map {
                    Double(bitPattern: UInt64(bigEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
                }
                return FeatureStorage(rows: rows, columns: columns, float64: values)
            case .signedByte:
                let values = (0..<rows * columns).map { Int64(Int8(bitPattern: data[$0])) }
                return FeatureStorage(rows: rows, columns: columns, int64: values)
            case .int16:
                let values = (0..<rows * columns).map {
                    Int64(Int16(bigEndian: data.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)))
                }
                return FeatureStorage(rows: rows, columns: columns, int64: values)
            case .int32:
                let values = (0..<rows * columns).map {
                    Int64(Int32(bigEndian: data.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)))
                }
                return FeatureStorage(rows: rows, columns: columns, int64: values)
            }
        }
        // The header was checked above: its extents after the sample count are one sample's dimensions.
        let dimensions = source.withUnsafeBytes { bytes in
            (1..<Int(bytes[3])).map {
                Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self)))
            }
        }
        if dimensions.count > 1 { storage.sampleDimensions = dimensions }
        return storage
    }
}

/// The IDX element types, by their type code (the third byte of the magic number).
enum IDXType: UInt8 {
    case unsignedByte = 0x08
    case signedByte = 0x09
    case int16 = 0x0B
    case int32 = 0x0C
    case float32 = 0x0D
    case float64 = 0x0E

    var byteCount: Int {
        switch self {
        case .unsignedByte, .signedByte: return 1
        case .int16: return 2
        case .int32, .float32: return 4
        case .float64: return 8
        }
    }

    /// The name used in messages.
    var name: String {
        switch self {
        case .unsignedByte: return "unsigned bytes"
        case .signedByte: return "signed bytes"
        case .int16: return "int16"
        case .int32: return "int32"
        case .float32: return "float32"
        case .float64: return "float64"
        }
    }
}
