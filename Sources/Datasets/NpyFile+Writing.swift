extension NpyFile {
    /// The bytes of a `.npy` file (format 1.0) holding `rows` as a float64 matrix `(rows.count, columns)` in C
    /// order: the magic, version 1.0, the header length (2 bytes little-endian), the header
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (R, C), }` padded with spaces and ended by a newline
    /// so that the data starts at a multiple of 64 bytes (numpy's alignment), then the elements as
    /// little-endian IEEE 754 doubles. `read(path:)` and `numpy.load` read it back exactly; the caller writes
    /// it (atomically, e.g. with `AtomicFile`).
    ///
    /// - Precondition: every row has the same length (no rows: shape `(0, 0)`).
    public static func encode(float64Rows rows: [[Double]]) -> [UInt8] {
        let columns = rows.first?.count ?? 0
        precondition(
            rows.allSatisfy { $0.count == columns },
            "NpyFile.encode: rows of \(Set(rows.map(\.count)).sorted()) elements; all must have \(columns)")
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows.count), \(columns)), }"
        while (magic.count + 4 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = UInt16(header.utf8.count)
        var bytes = magic + [1, 0, UInt8(length & 0xff), UInt8(length >> 8)] + Array(header.utf8)
        bytes.reserveCapacity(bytes.count + 8 * rows.count * columns)
        for row in rows {
            for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }
}
