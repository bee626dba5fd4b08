import Foundation
import TensorBoard
import TestSupport
import Testing

/// CRC-32C against the published vectors, the table against the bitwise definition, and the TFRecord framing
/// against TensorBoard's own Python `RecordWriter`.
@Suite struct CRC32CTests {
    /// The check value of the CRC catalogue and the iSCSI vectors of RFC 3720 §B.4 (the RFC lists the CRC's
    /// bytes as transmitted, least significant first: `aa 36 91 8a` is 0x8A9136AA).
    static let iscsiReadCommand: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: 48)
        for (index, value) in [(0, 0x01), (1, 0xC0), (16, 0x14), (22, 0x04), (27, 0x14), (31, 0x18), (32, 0x28)] {
            bytes[index] = UInt8(value)
        }
        bytes[40] = 0x02
        return bytes
    }()

    static let vectors: [([UInt8], UInt32)] = [
        (Array("123456789".utf8), 0xE306_9283),
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ((0..<32).map { UInt8($0) }, 0x46DD_794E),
        ((0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
        (iscsiReadCommand, 0xD996_3A56),
        ([], 0),
    ]

    @Test(arguments: vectors)
    func standardVectors(_ bytes: [UInt8], _ expected: UInt32) {
        #expect(CRC32C.checksum(bytes) == expected)
        #expect(CRC32C.bitwiseChecksum(bytes) == expected)
    }

    /// The table-driven CRC equals the bit-at-a-time definition on random data of every length up to 300.
    @Test func tableEqualsBitwise() {
        var random = SplitMix64(seed: 7)
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            #expect(CRC32C.checksum(bytes) == CRC32C.bitwiseChecksum(bytes), "length \(length)")
        }
    }

    /// The mask is a 15-bit rotation plus 0xA282EAD8: checked on values whose rotation is known by hand.
    @Test func mask() {
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(0x0000_8000) == 1 &+ 0xA282_EAD8)
        #expect(CRC32C.masked(0x0000_0001) == 0x0002_0000 &+ 0xA282_EAD8)
        #expect(CRC32C.masked(0xFFFF_FFFF) == 0xFFFF_FFFF &+ 0xA282_EAD8)
    }

    /// `TFRecord.frame` writes the same bytes as TensorBoard's `RecordWriter` for payloads of 0 to 1 000
    /// bytes; `TFRecord.records` reads them back, and rejects a record with one flipped bit.
    @Test func framingEqualsTensorBoardsRecordWriter() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-tfrecord")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = SplitMix64(seed: 11)
        let payloads = [0, 1, 7, 8, 255, 1000].map { length in
            (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
        for (index, payload) in payloads.enumerated() {
            try Data(payload).write(to: URL(fileURLWithPath: "\(directory)/payload-\(index)"))
        }
        let script = """
            import sys
            from tensorboard.summary.writer.record_writer import RecordWriter
            directory, count = sys.argv[1], int(sys.argv[2])
            with open(directory + "/framed", "wb") as out:
                writer = RecordWriter(out)
                for i in range(count):
                    writer.write(open(f"{directory}/payload-{i}", "rb").read())
                writer.flush()
            """
        let output = try BuiltProducts.run(
            ProjectPython.executable, ["-c", script, directory, String(payloads.count)])
        #expect(output.status == 0, "\(output.stderr)")
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/framed")))
        let framed = payloads.flatMap(TFRecord.frame)
        #expect(framed == reference)
        #expect(try TFRecord.records(in: framed) == payloads)

        var corrupted = framed
        corrupted[framed.count - 10] ^= 0x10
        #expect(throws: TensorBoardError.self) { try TFRecord.records(in: corrupted) }
        #expect(throws: TensorBoardError.self) { try TFRecord.records(in: Array(framed.dropLast())) }
    }
}

/// A seeded generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300)
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * uniform())
    }
}
