/// The 64-bit FNV-1a hash: simple, fast, and identical on every platform (unlike `Hasher`, which is
/// randomly seeded per process). Used for config, data-shape and parameter fingerprints.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    public static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64 = offsetBasis) -> UInt64 {
        var h = seed
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* prime
        }
        return h
    }

    /// Hashes the raw bytes of a buffer of trivial values.
    public static func hash<T>(values: [T], seed: UInt64 = offsetBasis) -> UInt64 {
        values.withUnsafeBytes { hash($0, seed: seed) }
    }
}
