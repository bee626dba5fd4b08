/// CRC-32C (Castagnoli), the checksum of TFRecord framing.
///
/// The CRC of a message is the remainder of its bits, as a polynomial over GF(2), divided by
/// P(x) = 0x1EDC6F41 (reflected 0x82F63B78), with the register started at 0xFFFFFFFF and the result
/// complemented (RFC 3720 §B.4): `crc("123456789") = 0xE3069283`.
///
/// `checksum` processes a byte per table lookup: `crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)`, where
/// `table[b]` is eight bitwise steps applied to `b`. `bitwiseChecksum` is the naive reference: one shift and a
/// conditional XOR per bit, straight from the definition; the tests hold the two equal on random data.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    /// The remainder of each byte value after eight bitwise steps.
    static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return ~crc
    }

    /// The naive reference: the same CRC, one bit at a time.
    public static func bitwiseChecksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        }
        return ~crc
    }

    /// TFRecord's masked CRC: `((crc >> 15) | (crc << 17)) &+ 0xA282EAD8`, a rotation by 15 bits plus a
    /// constant, so the CRC of data that itself holds CRCs is not trivially related to them.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
