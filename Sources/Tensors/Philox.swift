/// The Philox4x32-10 counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
/// as easy as 1, 2, 3" (SC 2011), as in their Random123 library.
///
/// A pure function from a 128-bit counter and a 64-bit key to 128 random bits: any process can compute
/// the numbers at any position without generating the ones before, which is what lets every MPI rank draw
/// the same initial weights, permutations and learning rates independently.
public enum Philox4x32 {
    static let multiplier0: UInt32 = 0xD251_1F53
    static let multiplier1: UInt32 = 0xCD9E_8D57
    static let weyl0: UInt32 = 0x9E37_79B9
    static let weyl1: UInt32 = 0xBB67_AE85

    /// Ten rounds of Philox on `counter` under `key`.
    ///
    /// One round: `(hi0, lo0) = M0·c0`, `(hi1, lo1) = M1·c2`, then `c ← (hi1 ⊕ c1 ⊕ k0, lo1, hi0 ⊕ c3 ⊕ k1, lo0)`;
    /// between rounds the key is bumped by the Weyl constants.
    public static func block(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= weyl0
                k.1 &+= weyl1
            }
            let product0 = UInt64(multiplier0) &* UInt64(c.0)
            let product1 = UInt64(multiplier1) &* UInt64(c.2)
            c = (
                UInt32(truncatingIfNeeded: product1 >> 32) ^ c.1 ^ k.0,
                UInt32(truncatingIfNeeded: product1),
                UInt32(truncatingIfNeeded: product0 >> 32) ^ c.3 ^ k.1,
                UInt32(truncatingIfNeeded: product0)
            )
        }
        return c
    }
}
