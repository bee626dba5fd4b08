/// A minimal FlatBuffers writer: enough of the format (flatbuffers.dev, "FlatBuffers internals") to write
/// a TFLite model. It builds back to front, as the reference builders do, so that every offset points
/// forward to an object already written:
///
/// - All scalars are little-endian. A `uoffset` (uint32) at address `a` refers to address `a + value`.
/// - A table starts with an `soffset` (int32) `table − vtable` to its vtable, then its fields. The vtable is
///   `[vtable bytes (u16), table bytes (u16), field offset (u16) per slot…]`, each field offset relative to
///   the table's start, 0 for an absent field.
/// - A vector is a uint32 element count followed by the elements; a string is a vector of bytes with a
///   terminating 0 that the count leaves out.
/// - The buffer starts with the root table's `uoffset`, then the 4-byte file identifier (`TFL3`).
///
/// Every scalar is aligned to its size relative to the buffer's end, and `finish` pads the total to the
/// largest alignment used, so relative alignment is absolute alignment. The vtables are not deduplicated
/// (allowed by the format; it costs a few bytes per table).
public struct FlatBufferBuilder {
    /// A written object, as its distance from the end of the buffer (which does not change as more is
    /// prepended).
    public struct Offset: Hashable, Sendable {
        let fromEnd: Int
    }

    /// The bytes written so far live in `storage[head...]`.
    private var storage: [UInt8]
    private var head: Int
    private var minimumAlignment = 1
    /// The open table: where it started and, per slot, where its field was written (from the end).
    private var tableStart: Int?
    private var fields: [Int: Int] = [:]

    public init(capacity: Int = 1024) {
        storage = [UInt8](repeating: 0, count: max(capacity, 16))
        head = storage.count
    }

    /// Bytes written so far.
    public var size: Int { storage.count - head }

    private mutating func reserve(_ count: Int) {
        guard head < count else { return }
        var capacity = storage.count
        while capacity - size < count { capacity *= 2 }
        let used = size
        var grown = [UInt8](repeating: 0, count: capacity)
        grown.replaceSubrange((capacity - used)..<capacity, with: storage[head...])
        storage = grown
        head = capacity - used
    }

    private mutating func zeros(_ count: Int) {
        reserve(count)
        for _ in 0..<count {
            head -= 1
            storage[head] = 0
        }
    }

    /// Pads so that after `additional` more bytes the next `alignment`-byte item starts aligned.
    private mutating func prepare(alignment: Int, additional: Int) {
        minimumAlignment = max(minimumAlignment, alignment)
        let padding = (alignment - (size + additional) % alignment) % alignment
        zeros(padding)
    }

    private mutating func raw<T: FixedWidthInteger>(_ value: T) {
        let width = MemoryLayout<T>.size
        reserve(width)
        head -= width
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes in
            for i in 0..<width { storage[head + i] = bytes[i] }
        }
    }

    /// Prepends an aligned scalar.
    private mutating func scalar<T: FixedWidthInteger>(_ value: T) {
        prepare(alignment: MemoryLayout<T>.size, additional: 0)
        raw(value)
    }

    /// Prepends a `uoffset` to `target`.
    private mutating func uoffset(_ target: Offset) {
        prepare(alignment: 4, additional: 0)
        precondition(target.fromEnd <= size, "FlatBufferBuilder: an offset must refer to an object already written")
        raw(UInt32(size + 4 - target.fromEnd))
    }

    // MARK: Vectors and strings

    /// A vector of fixed-width integers; `alignment` ≥ the element size aligns the first element (TFLite's
    /// `Buffer.data` asks for 16).
    public mutating func vector<T: FixedWidthInteger>(_ values: [T], alignment: Int = MemoryLayout<T>.size)
        -> Offset
    {
        precondition(tableStart == nil, "FlatBufferBuilder: no vector inside an open table")
        let bytes = values.count * MemoryLayout<T>.size
        prepare(alignment: 4, additional: bytes)
        prepare(alignment: max(alignment, MemoryLayout<T>.size), additional: bytes)
        for value in values.reversed() { raw(value) }
        raw(UInt32(values.count))
        return Offset(fromEnd: size)
    }

    /// A vector of floats (their IEEE bit patterns).
    public mutating func vector(_ values: [Float]) -> Offset { vector(values.map(\.bitPattern)) }

    /// A vector of offsets to tables or strings.
    public mutating func vector(_ offsets: [Offset]) -> Offset {
        precondition(tableStart == nil, "FlatBufferBuilder: no vector inside an open table")
        prepare(alignment: 4, additional: 4 * offsets.count)
        for target in offsets.reversed() { uoffset(target) }
        raw(UInt32(offsets.count))
        return Offset(fromEnd: size)
    }

    /// A UTF-8 string with its terminating zero.
    public mutating func string(_ text: String) -> Offset {
        precondition(tableStart == nil, "FlatBufferBuilder: no string inside an open table")
        let bytes = Array(text.utf8)
        prepare(alignment: 4, additional: bytes.count + 1)
        raw(UInt8(0))
        for byte in bytes.reversed() { raw(byte) }
        raw(UInt32(bytes.count))
        return Offset(fromEnd: size)
    }

    // MARK: Tables

    public mutating func startTable() {
        precondition(tableStart == nil, "FlatBufferBuilder: tables do not nest while being built")
        tableStart = size
        fields = [:]
    }

    /// A scalar field in `slot` (the field's index in the schema). Written even when it equals the default.
    public mutating func add<T: FixedWidthInteger>(_ slot: Int, _ value: T) {
        precondition(tableStart != nil, "FlatBufferBuilder: add outside a table")
        scalar(value)
        fields[slot] = size
    }

    public mutating func add(_ slot: Int, _ value: Bool) { add(slot, UInt8(value ? 1 : 0)) }

    /// An offset field (table, vector or string) in `slot`.
    public mutating func add(_ slot: Int, _ target: Offset) {
        precondition(tableStart != nil, "FlatBufferBuilder: add outside a table")
        uoffset(target)
        fields[slot] = size
    }

    /// Closes the table: writes its soffset and, before it, its vtable.
    public mutating func endTable() -> Offset {
        guard let start = tableStart else { preconditionFailure("FlatBufferBuilder: endTable without startTable") }
        scalar(Int32(0))
        let table = size
        let slots = (fields.keys.max() ?? -1) + 1
        let tableBytes = table - start
        precondition(tableBytes < 1 << 16, "FlatBufferBuilder: a table of \(tableBytes) bytes")
        for slot in stride(from: slots - 1, through: 0, by: -1) {
            raw(UInt16(fields[slot].map { table - $0 } ?? 0))
        }
        raw(UInt16(tableBytes))
        raw(UInt16(4 + 2 * slots))
        let vtable = size
        // The table's first word: table address − vtable address = vtable.fromEnd − table.fromEnd.
        let position = storage.count - table
        let value = Int32(vtable - table).littleEndian
        withUnsafeBytes(of: value) { bytes in
            for i in 0..<4 { storage[position + i] = bytes[i] }
        }
        tableStart = nil
        fields = [:]
        return Offset(fromEnd: table)
    }

    /// The finished buffer: root offset, file identifier (4 ASCII bytes), then everything written.
    public mutating func finish(root: Offset, fileIdentifier: String) -> [UInt8] {
        let identifier = Array(fileIdentifier.utf8)
        precondition(identifier.count == 4, "FlatBufferBuilder: a file identifier has 4 bytes")
        prepare(alignment: max(minimumAlignment, 4), additional: 8)
        for byte in identifier.reversed() { raw(byte) }
        uoffset(root)
        return Array(storage[head...])
    }
}
