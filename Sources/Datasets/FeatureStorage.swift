public import Tensors

/// Where a table's bytes live: a memory-mapped file (not copied) or memory the table owns.
enum ByteSource: Sendable {
    case mapped(MappedFile)
    case owned([UInt8])

    /// Calls `body` with the bytes, keeping them alive for the duration of the call.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .mapped(let file): return try withExtendedLifetime(file) { try body(file.bytes) }
        case .owned(let bytes): return try bytes.withUnsafeBytes(body)
        }
    }

    var count: Int {
        switch self {
        case .mapped(let file): return file.bytes.count
        case .owned(let bytes): return bytes.count
        }
    }
}

/// A row-major `(rows, columns)` table of raw elements of one `ElementType`: a data set's features, or its
/// labels as one column.
///
/// Readers of uncompressed `.npy` and IDX files (and of the decompressed cache of `.gz` files) leave the
/// elements in the memory-mapped file, so several MPI ranks on one host share the page cache instead of
/// each holding a copy; CSV files and generated data live in owned memory. Either way the table is
/// immutable and cheap to copy (a copy shares the bytes).
///
/// Elements are converted to `Double` when read, normalized in `Double`, and rounded once to the target
/// scalar type, so a batch's `Float` values are the correctly rounded `Double` results whatever the stored
/// type. Multi-byte elements are little-endian, the byte order of every platform Partita runs on.
public struct FeatureStorage: Sendable {
    /// The type of one stored element. The `.npy` dtypes are `|u1`, `<f4`, `<f8` and `<i8`.
    public enum ElementType: String, Sendable, CaseIterable {
        /// Unsigned bytes: image pixels, class labels.
        case uint8
        /// IEEE single precision.
        case float32
        /// IEEE double precision: CSV and generated data.
        case float64
        /// Signed 64-bit integers: numpy's default integer labels.
        case int64

        /// Bytes per element.
        public var byteCount: Int {
            switch self {
            case .uint8: return 1
            case .float32: return 4
            case .float64, .int64: return 8
            }
        }

        /// Whether the elements are integers (labels stored this way become class indices).
        public var isInteger: Bool { self == .uint8 || self == .int64 }
    }

    /// Number of samples.
    public let rows: Int
    /// Number of values per sample.
    public let columns: Int
    /// How each element is stored.
    public let elementType: ElementType
    let source: ByteSource
    /// Where element `(0, 0)` starts inside `source`.
    let byteOffset: Int
    /// The dimensions of one sample as the file stores them (`[28, 28]` for IDX images, `[H, W, C]` for a
    /// `.npy` of shape `(N, H, W, C)`), whose product is `columns`; nil when the file gives none beyond the row.
    public internal(set) var sampleDimensions: [Int]?

    /// A table over `source`'s bytes from `byteOffset` on, which must hold at least `rows·columns` elements.
    init(rows: Int, columns: Int, elementType: ElementType, source: ByteSource, byteOffset: Int) {
        precondition(
            rows >= 0 && columns >= 0 && byteOffset >= 0
                && byteOffset + rows * columns * elementType.byteCount <= source.count,
            "FeatureStorage: (\(rows), \(columns)) \(elementType) from byte \(byteOffset) exceeds \(source.count) bytes"
        )
        self.rows = rows
        self.columns = columns
        self.elementType = elementType
        self.source = source
        self.byteOffset = byteOffset
    }

    /// A table in owned memory that copies `values`, row-major, of shape `(rows, columns)`.
    public init(rows: Int, columns: Int, float64 values: [Double]) {
        self.init(rows: rows, columns: columns, elementType: .float64, bytes: values.withUnsafeBytes { Array($0) })
    }

    /// A table in owned memory that copies `values`, row-major, of shape `(rows, columns)`.
    public init(rows: Int, columns: Int, float32 values: [Float]) {
        self.init(rows: rows, columns: columns, elementType: .float32, bytes: values.withUnsafeBytes { Array($0) })
    }

    /// A table in owned memory over `values`, row-major, of shape `(rows, columns)`.
    public init(rows: Int, columns: Int, uint8 values: [UInt8]) {
        self.init(rows: rows, columns: columns, elementType: .uint8, bytes: values)
    }

    /// A table in owned memory that copies `values`, row-major, of shape `(rows, columns)`.
    public init(rows: Int, columns: Int, int64 values: [Int64]) {
        self.init(rows: rows, columns: columns, elementType: .int64, bytes: values.withUnsafeBytes { Array($0) })
    }

    /// A table in owned memory holding `matrix` as float32 (`Matrix<Float>`) or float64 (`Matrix<Double>`).
    public init<S: BLASScalar>(_ matrix: Matrix<S>) {
        if let doubles = matrix.storage as? [Double] {
            self.init(rows: matrix.rows, columns: matrix.columns, float64: doubles)
        } else {
            self.init(rows: matrix.rows, columns: matrix.columns, float32: matrix.storage.map { Float($0) })
        }
    }

    init(rows: Int, columns: Int, elementType: ElementType, bytes: [UInt8]) {
        precondition(
            bytes.count == rows * columns * elementType.byteCount,
            "FeatureStorage: \(bytes.count) bytes for (\(rows), \(columns)) \(elementType)")
        self.init(rows: rows, columns: columns, elementType: elementType, source: .owned(bytes), byteOffset: 0)
    }

    /// The shape `"(rows, columns)"`, for messages.
    public var shapeDescription: String { "(\(rows), \(columns))" }

    /// The path of the memory-mapped file the elements live in, or `nil` when they are in owned memory.
    public var mappedFilePath: String? {
        if case .mapped(let file) = source { return file.path }
        return nil
    }

    var rowByteCount: Int { columns * elementType.byteCount }

    /// Element `(row, column)` as a `Double` (exact for every stored type but `int64` beyond 2⁵³).
    public func value(row: Int, column: Int) -> Double {
        precondition(
            (0..<rows).contains(row) && (0..<columns).contains(column),
            "FeatureStorage.value: (\(row), \(column)) outside \(shapeDescription)")
        var result = 0.0
        source.withUnsafeBytes { bytes in
            let start = bytes.baseAddress! + byteOffset + row * rowByteCount
            withUnsafeMutablePointer(to: &result) { result in
                Self.convert(start + column * elementType.byteCount, elementType, count: 1, into: result)
            }
        }
        return result
    }

    /// Row `row` as `Double`s, without normalization.
    public func row(_ row: Int) -> [Double] {
        precondition((0..<rows).contains(row), "FeatureStorage.row: \(row) outside 0..<\(rows)")
        return [Double](unsafeUninitializedCapacity: columns) { buffer, initialized in
            source.withUnsafeBytes { bytes in
                Self.convert(
                    bytes.baseAddress! + byteOffset + row * rowByteCount, elementType, count: columns,
                    into: buffer.baseAddress!)
            }
            initialized = columns
        }
    }

    /// Every element, row-major, as `Double`s.
    public func allValues() -> [Double] {
        let count = rows * columns
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                source.withUnsafeBytes { bytes in
                    Self.convert(bytes.baseAddress! + byteOffset, elementType, count: count, into: buffer.baseAddress!)
                }
            }
            initialized = count
        }
    }

    /// Copies the selected rows into `matrix`, which must be `(rows.count, columns)`, applying
    /// `normalization` to each row: `matrix[i, ·] = normalize(self[rows[i], ·])`.
    ///
    /// Each row is converted to `Double` in one loop chosen by the element type, normalized in `Double` and
    /// rounded once to `S`.
    public func gather<S: BLASScalar>(rows indices: [Int], normalization: Normalization, into matrix: inout Matrix<S>) {
        precondition(
            matrix.rows == indices.count && matrix.columns == columns,
            "gather: \(indices.count) rows of \(shapeDescription) need a (\(indices.count), \(columns)) matrix, got "
                + matrix.shapeDescription)
        normalization.checkFits(columns: columns)
        guard columns > 0 else { return }
        let columns = columns
        matrix.storage.withUnsafeMutableBufferPointer { output in
            forEachRow(indices, caller: "gather") { i, row in
                normalization.apply(to: row)
                let target = output.baseAddress! + i * columns
                for c in 0..<columns { target[c] = S(row[c]) }
            }
        }
    }

    /// Calls `body(i, row)` for `i` in `0..<indices.count`, in order, with row `indices[i]` converted to
    /// `Double` (one loop chosen by the element type) into a scratch buffer of `columns` values that is
    /// reused from row to row: `body` may change it, but must not keep it. Traps, naming `caller`, on a row
    /// outside `0..<rows`.
    func forEachRow(
        _ indices: [Int], caller: String, _ body: (Int, UnsafeMutableBufferPointer<Double>) -> Void
    ) {
        let rowCount = rows
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(columns, 1))
        defer { scratch.deallocate() }
        let row = UnsafeMutableBufferPointer(rebasing: scratch[0..<columns])
        source.withUnsafeBytes { bytes in
            for (i, index) in indices.enumerated() {
                precondition((0..<rowCount).contains(index), "\(caller): row \(index) outside 0..<\(rowCount)")
                if columns > 0 {
                    Self.convert(
                        bytes.baseAddress! + byteOffset + index * rowByteCount, elementType, count: columns,
                        into: scratch.baseAddress!)
                }
                body(i, row)
            }
        }
    }

    /// The selected rows as a new `(rows.count, columns)` matrix; see `gather(rows:normalization:into:)`.
    public func gathered<S: BLASScalar>(
        rows indices: [Int], normalization: Normalization = .none, as type: S.Type = S.self
    ) -> Matrix<S> {
        var matrix = Matrix<S>(rows: indices.count, columns: columns)
        gather(rows: indices, normalization: normalization, into: &matrix)
        return matrix
    }

    /// The rows in `range`, sharing this table's bytes (no copy; a mapped file stays mapped).
    public func rows(_ range: Range<Int>) -> FeatureStorage {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= rows, "FeatureStorage.rows: \(range) outside 0..<\(rows)")
        var part = FeatureStorage(
            rows: range.count, columns: columns, elementType: elementType, source: source,
            byteOffset: byteOffset + range.lowerBound * rowByteCount)
        part.sampleDimensions = sampleDimensions
        return part
    }

    /// The selected rows copied, in their stored type, into a new table in owned memory (e.g. a subsample).
    public func copying(rows indices: [Int]) -> FeatureStorage {
        let rowBytes = rowByteCount
        var bytes = [UInt8](repeating: 0, count: indices.count * rowBytes)
        source.withUnsafeBytes { source in
            bytes.withUnsafeMutableBytes { target in
                for (i, row) in indices.enumerated() {
                    precondition((0..<rows).contains(row), "FeatureStorage.copying: row \(row) outside 0..<\(rows)")
                    guard rowBytes > 0 else { continue }
                    target.baseAddress!.advanced(by: i * rowBytes).copyMemory(
                        from: source.baseAddress! + byteOffset + row * rowBytes, byteCount: rowBytes)
                }
            }
        }
        var copy = FeatureStorage(rows: indices.count, columns: columns, elementType: elementType, bytes: bytes)
        copy.sampleDimensions = sampleDimensions
        return copy
    }

    /// Converts `count` consecutive elements of `type` starting at `start` to `Double`. The switch is outside
    /// the loops, so each loop is a plain load-and-convert that the compiler can vectorize.
    static func convert(
        _ start: UnsafeRawPointer, _ type: ElementType, count: Int, into target: UnsafeMutablePointer<Double>
    ) {
        switch type {
        case .uint8:
            let source = start.assumingMemoryBound(to: UInt8.self)
            for c in 0..<count { target[c] = Double(source[c]) }
        case .float32:
            for c in 0..<count { target[c] = Double(start.loadUnaligned(fromByteOffset: 4 * c, as: Float.self)) }
        case .float64:
            for c in 0..<count { target[c] = start.loadUnaligned(fromByteOffset: 8 * c, as: Double.self) }
        case .int64:
            for c in 0..<count { target[c] = Double(start.loadUnaligned(fromByteOffset: 8 * c, as: Int64.self)) }
        }
    }
}
