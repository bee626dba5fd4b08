import Export
import Testing

/// The flatbuffer writer against a reader written here from the format's definition (flatbuffers.dev,
/// "FlatBuffers internals"): little-endian scalars, forward uoffsets, a table's soffset to its vtable, vtable
/// entries relative to the table, length-prefixed vectors and zero-terminated strings, and the alignment of
/// every scalar and of a 16-aligned byte vector.
@Suite struct FlatBufferBuilderTests {
    /// A byte-level reader of a finished buffer.
    struct Reader {
        let bytes: [UInt8]

        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) } }
        func i32(_ at: Int) -> Int32 { Int32(bitPattern: u32(at)) }
        func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
        /// The address a uoffset stored at `at` refers to.
        func follow(_ at: Int) -> Int { at + Int(u32(at)) }
        /// The address of field `slot` of the table at `table`, nil when absent.
        func field(_ table: Int, _ slot: Int) -> Int? {
            let vtable = table - Int(i32(table))
            let vtableSize = u16(vtable)
            guard 4 + 2 * slot < vtableSize else { return nil }
            let offset = u16(vtable + 4 + 2 * slot)
            return offset == 0 ? nil : table + offset
        }
        func vectorLength(_ at: Int) -> Int { Int(u32(at)) }
        func string(_ at: Int) -> String {
            let count = vectorLength(at)
            #expect(bytes[at + 4 + count] == 0, "a string ends with a zero byte")
            return String(decoding: bytes[(at + 4)..<(at + 4 + count)], as: UTF8.self)
        }
    }

    @Test func aTableOfEveryKindOfFieldReadsBack() {
        var builder = FlatBufferBuilder(capacity: 16)  // small, so the storage grows several times
        let payload = (0..<37).map { UInt8($0 * 7 % 256) }
        let data = builder.vector(payload, alignment: 16)
        let name = builder.string("héllo")
        let longs = builder.vector([Int64(-3), Int64(1) << 40])
        builder.startTable()
        builder.add(0, Int32(1))
        let child = builder.endTable()
        let children = builder.vector([child, child])
        builder.startTable()
        builder.add(1, UInt8(9))
        builder.add(3, Int32(-123_456))
        builder.add(4, data)
        builder.add(5, name)
        builder.add(6, longs)
        builder.add(7, true)
        builder.add(8, UInt64(0x0123_4567_89AB_CDEF))
        builder.add(9, children)
        let root = builder.endTable()
        let bytes = builder.finish(root: root, fileIdentifier: "TEST")
        let reader = Reader(bytes: bytes)

        #expect(bytes.count % 16 == 0)
        #expect(String(decoding: bytes[4..<8], as: UTF8.self) == "TEST")
        let table = reader.follow(0)
        #expect(reader.field(table, 0) == nil && reader.field(table, 2) == nil && reader.field(table, 20) == nil)
        #expect(reader.field(table, 1).map { bytes[$0] } == 9)
        let int32Field = reader.field(table, 3)!
        #expect(int32Field % 4 == 0 && reader.i32(int32Field) == -123_456)
        let vector = reader.follow(reader.field(table, 4)!)
        #expect(reader.vectorLength(vector) == payload.count)
        #expect((vector + 4) % 16 == 0, "Buffer.data's force_align: 16")
        #expect(Array(bytes[(vector + 4)..<(vector + 4 + payload.count)]) == payload)
        #expect(reader.string(reader.follow(reader.field(table, 5)!)) == "héllo")
        let longVector = reader.follow(reader.field(table, 6)!)
        #expect((longVector + 4) % 8 == 0)
        #expect(reader.vectorLength(longVector) == 2)
        #expect(Int64(bitPattern: reader.u64(longVector + 4)) == -3)
        #expect(Int64(bitPattern: reader.u64(longVector + 12)) == 1 << 40)
        #expect(reader.field(table, 7).map { bytes[$0] } == 1)
        let u64Field = reader.field(table, 8)!
        #expect(u64Field % 8 == 0 && reader.u64(u64Field) == 0x0123_4567_89AB_CDEF)
        let childVector = reader.follow(reader.field(table, 9)!)
        #expect(reader.vectorLength(childVector) == 2)
        for k in 0..<2 {
            let childTable = reader.follow(childVector + 4 + 4 * k)
            #expect(reader.i32(reader.field(childTable, 0)!) == 1)
        }
    }

    @Test func anEmptyTableHasAnEmptyVtable() {
        var builder = FlatBufferBuilder()
        builder.startTable()
        let root = builder.endTable()
        let bytes = builder.finish(root: root, fileIdentifier: "TFL3")
        let reader = Reader(bytes: bytes)
        let table = reader.follow(0)
        let vtable = table - Int(reader.i32(table))
        #expect(reader.u16(vtable) == 4 && reader.u16(vtable + 2) == 4)
    }
}
