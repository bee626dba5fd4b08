/// Where an MLP's intermediate activations live during one inference.
///
/// The caller owns the input `(sizes[0])` and output `(sizes[L])` buffers. The hidden activations
/// `h_1 … h_{L−1}` (`h_l` of `sizes[l]` bytes) share one static arena: `h_l` for odd l at offset 0, for even
/// l at the arena's end, so each layer reads the previous buffer from one end and writes the next at the
/// other. Only two consecutive activations are ever alive, so
///
///     arena = max_l (|h_l| + |h_{l+1}|)       (or |h_1| with a single hidden layer, 0 without)
///
/// which is exactly the target "no larger than the two largest consecutive activations".
public struct ArenaPlan: Sendable, Equatable {
    /// Bytes of the static arena.
    public let size: Int
    /// `offsets[l − 1]`: where `h_l` starts, for l = 1 … L − 1.
    public let offsets: [Int]

    public init(sizes: [Int]) {
        precondition(sizes.count >= 2, "ArenaPlan: need at least an input and an output size")
        let hidden = Array(sizes.dropFirst().dropLast())
        var size = hidden.first ?? 0
        for l in hidden.indices.dropLast() { size = max(size, hidden[l] + hidden[l + 1]) }
        self.size = size
        self.offsets = hidden.indices.map { $0 % 2 == 0 ? 0 : size - hidden[$0] }
    }
}
