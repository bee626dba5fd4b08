/// How a `SharedSum` lays out the memory the L ranks of one host share, and the one kernel that adds the
/// slots: used by MPI's `HostSharedSum` and by `InProcessCluster`'s sum, so both give the same bits.
///
///     [ slot 0 | slot 1 | … | slot L−1 | result ]      each `stride` ≥ count elements, 64-byte aligned
///
/// Local rank l writes its contribution into slot l, then adds up its chunk `c_l` (the l-th of L contiguous
/// chunks, each a multiple of a 64-byte line, so no two ranks write the same cache line of the result):
///
///     result[c_l] = ((slot_0[c_l] + slot_1[c_l]) + slot_2[c_l]) + … + slot_{L−1}[c_l]
///
/// That is the naive sum in local-rank order, element by element.
public struct SharedSumLayout: Sendable, Equatable {
    /// Elements of one contribution.
    public let count: Int
    /// L, the ranks of the host (one slot each).
    public let localSize: Int
    /// Elements per 64-byte line.
    public let alignment: Int
    /// Elements between consecutive slots: `count` rounded up to a 64-byte multiple.
    public let stride: Int

    public init(count: Int, localSize: Int, elementBytes: Int) {
        precondition(count >= 0 && localSize >= 1, "SharedSumLayout: count \(count), \(localSize) local ranks")
        precondition(elementBytes > 0 && 64 % elementBytes == 0, "SharedSumLayout: \(elementBytes)-byte elements")
        self.count = count
        self.localSize = localSize
        alignment = 64 / elementBytes
        stride = (count + alignment - 1) / alignment * alignment
    }

    /// Elements of the whole shared block: L slots and the result.
    public var totalElements: Int { (localSize + 1) * stride }

    /// Where slot `localRank` starts, in elements from the block's start.
    public func slotOffset(_ localRank: Int) -> Int { localRank * stride }

    /// Where the result starts, in elements from the block's start.
    public var resultOffset: Int { localSize * stride }

    /// The l-th of L contiguous chunks of `0..<count`, each a multiple of `alignment` elements, the last one
    /// shorter or empty.
    public func chunk(of localRank: Int) -> Range<Int> {
        let share = ((count + localSize - 1) / localSize + alignment - 1) / alignment * alignment
        let lower = min(localRank * share, count)
        return lower..<min(lower + share, count)
    }

    /// `result[chunk] = Σ_s slot_s[chunk]`, slots in order, for a block starting at `base`; through concrete
    /// types so the loops vectorize.
    public func addSlots<T: CollectiveElement & BinaryFloatingPoint>(
        _ base: UnsafeMutablePointer<T>, chunk: Range<Int>
    ) {
        let raw = UnsafeMutableRawPointer(base)
        switch T.collectiveType {
        case .float32: Self.add(raw.assumingMemoryBound(to: Float.self), slots: localSize, stride: stride, chunk)
        case .float64: Self.add(raw.assumingMemoryBound(to: Double.self), slots: localSize, stride: stride, chunk)
        default: preconditionFailure("a shared sum of \(T.collectiveType)")
        }
    }

    @inline(__always)
    private static func add<F: BinaryFloatingPoint>(
        _ base: UnsafeMutablePointer<F>, slots: Int, stride: Int, _ chunk: Range<Int>
    ) {
        precondition(slots >= 2, "a shared sum is only made for hosts of at least two ranks")
        guard !chunk.isEmpty else { return }
        let result = base + slots * stride + chunk.lowerBound
        let first = base + chunk.lowerBound
        let n = chunk.count
        let second = first + stride
        for i in 0..<n { result[i] = first[i] + second[i] }
        for s in 2..<slots {
            let slot = first + s * stride
            for i in 0..<n { result[i] += slot[i] }
        }
    }
}
