/// TFRecord framing, the container of TensorBoard's event files: each record is
///
///     uint64  length            little-endian, bytes of data
///     uint32  masked_crc32c(length's 8 bytes)
///     byte    data[length]
///     uint32  masked_crc32c(data)
///
/// with the masked CRC of `CRC32C.masked`. A reader checks both CRCs, so a record cut short by a full disk or
/// a crash is detected and ignored rather than misread.
public enum TFRecord {
    /// The framed bytes of one record holding `data`.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var length = [UInt8]()
        length.reserveCapacity(8)
        appendLittleEndian(UInt64(data.count), to: &length)
        var record = length
        record.reserveCapacity(data.count + 16)
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(length)), to: &record)
        record += data
        appendLittleEndian(CRC32C.masked(CRC32C.checksum(data)), to: &record)
        return record
    }

    /// The records of `bytes`, in order, checking both CRCs of each: the reference reader of the tests and
    /// of `partita`'s own checks. Throws on a bad CRC or a record cut short.
    public static func records(in bytes: [UInt8]) throws(TensorBoardError) -> [[UInt8]] {
        var records = [[UInt8]]()
        var offset = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw .corruptRecord(offset: offset, "a header cut short") }
            let header = Array(bytes[offset..<(offset + 8)])
            let length = Int(littleEndian: header, as: UInt64.self)
            guard UInt32(littleEndian: bytes, at: offset + 8) == CRC32C.masked(CRC32C.checksum(header)) else {
                throw .corruptRecord(offset: offset, "the length's CRC does not match")
            }
            let start = offset + 12
            guard length >= 0, length <= bytes.count - start - 4 else {
                throw .corruptRecord(offset: offset, "data cut short")
            }
            let data = Array(bytes[start..<(start + length)])
            guard UInt32(littleEndian: bytes, at: start + length) == CRC32C.masked(CRC32C.checksum(data)) else {
                throw .corruptRecord(offset: offset, "the data's CRC does not match")
            }
            records.append(data)
            offset = start + length + 4
        }
        return records
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        for index in 0..<(T.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}

extension Int {
    /// The little-endian `T` in the first bytes of `bytes`, as an Int (-1 when it does not fit).
    fileprivate init<T: FixedWidthInteger>(littleEndian bytes: [UInt8], as type: T.Type) {
        var value: T = 0
        for index in 0..<(T.bitWidth / 8) { value |= T(bytes[index]) << (8 * index) }
        self = Int(exactly: value) ?? -1
    }
}

extension UInt32 {
    fileprivate init(littleEndian bytes: [UInt8], at offset: Int) {
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
        self = value
    }
}
