/// One host's shared block of an in-process `SharedSum`: L slots and the result (`SharedSumLayout`), 64-byte
/// aligned, owned by the sums of that host's ranks.
final class SharedBlock<T: CollectiveElement & BinaryFloatingPoint>: @unchecked Sendable {
    // @unchecked: the ranks write disjoint parts between the barriers of `InProcessSharedSum.reduce()`.
    let layout: SharedSumLayout
    let base: UnsafeMutablePointer<T>

    init(layout: SharedSumLayout) {
        self.layout = layout
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, layout.totalElements) * MemoryLayout<T>.stride, alignment: 64)
        base = raw.bindMemory(to: T.self, capacity: layout.totalElements)
        base.initialize(repeating: 0, count: layout.totalElements)
    }

    deinit {
        base.deallocate()
    }

    var result: UnsafeMutablePointer<T> { base + layout.resultOffset }
}

/// `SharedSum` of `InProcessCluster`: the steps of `HostSharedSum.reduce()`, with world-wide barriers for
/// the host synchronizations and the sum across hosts formed in host order.
///
/// 1. barrier: every slot is written;
/// 2. `result[c_l] = Σ_s slot_s[c_l]` in slot order (`SharedSumLayout.addSlots`, `HostSharedSum`'s kernel);
/// 3. with several hosts, after a barrier (every host's chunk sums are formed), rank l of every host
///    computes `Σ_h result_h[c_l]` in host order, then, after another barrier (so nobody reads a result being
///    overwritten), writes it into its host's result: the same bits on every host;
/// 4. barrier: the whole result is final.
final class InProcessSharedSum<T: CollectiveElement & BinaryFloatingPoint>: SharedSum {
    typealias Element = T

    private unowned let communicator: InProcessCommunicator
    /// Every host's block, in host order.
    private let blocks: [SharedBlock<T>]
    private let host: Int
    private let chunk: Range<Int>
    private let name: String
    let contribution: UnsafeMutableBufferPointer<T>

    init(communicator: InProcessCommunicator, blocks: [SharedBlock<T>]) {
        self.communicator = communicator
        self.blocks = blocks
        let layout = blocks[0].layout
        let localRank = communicator.rank % layout.localSize
        host = communicator.rank / layout.localSize
        chunk = layout.chunk(of: localRank)
        name = "shared-memory sum(\(layout.count) \(T.collectiveType))"
        contribution = UnsafeMutableBufferPointer(
            start: blocks[host].base + layout.slotOffset(localRank), count: layout.count)
    }

    func reduce() throws -> UnsafeBufferPointer<T> {
        let block = blocks[host]
        try communicator.barrier(named: "\(name): contributions written")
        block.layout.addSlots(block.base, chunk: chunk)
        if blocks.count > 1 {
            try communicator.barrier(named: "\(name): host sums formed")
            var acrossHosts = Array(UnsafeBufferPointer(start: blocks[0].result + chunk.lowerBound, count: chunk.count))
            for other in blocks.dropFirst() {
                for (i, j) in chunk.enumerated() { acrossHosts[i] += other.result[j] }
            }
            try communicator.barrier(named: "\(name): host sums read")
            for (i, j) in chunk.enumerated() { block.result[j] = acrossHosts[i] }
        }
        try communicator.barrier(named: "\(name): result final")
        return UnsafeBufferPointer(start: block.result, count: block.layout.count)
    }
}
