internal import CMPI
import Cluster
import Foundation

/// `SharedSum` over an MPI-3 shared-memory window (`MPI_Win_allocate_shared`) on each host, with an
/// `MPI_Allreduce` per chunk between hosts.
///
/// Layout of the window (`SharedSumLayout`), allocated once per host by local rank 0 and mapped by every local
/// rank:
///
///     [ slot 0 | slot 1 | … | slot L−1 | result ]      each `stride` ≥ count elements, 64-byte aligned
///
/// Local rank l writes its contribution into slot l. `reduce()` then runs, on every rank:
///
/// 1. synchronize the host (`MPI_Win_sync`, `MPI_Barrier`, `MPI_Win_sync`): every slot is written;
/// 2. `result[c_l] = slot_0[c_l] + slot_1[c_l] + … + slot_{L−1}[c_l]`, in that order, for chunk `c_l`
///    (the l-th of L contiguous, 64-byte aligned chunks);
/// 3. with several hosts, `MPI_Allreduce` of `result[c_l]` among the ranks with local index l;
/// 4. synchronize the host again: the whole result is final.
///
/// Each element is written by one rank only, so all ranks read identical bits. The same synchronization
/// also protects the next round: a rank enters step 1 of the next `reduce()` only after it has stopped
/// reading the previous result, and nobody writes the result before step 1 is over. A rank may overwrite
/// its own slot right after step 4, because the other ranks read it only in step 2.
///
/// Traffic per rank, for L ranks on a host: read `count` elements, write `count / L`, and no copy into or
/// out of MPI; an `MPI_Allreduce` of private buffers between processes copies each element more often.
final class HostSharedSum<T: CollectiveElement & BinaryFloatingPoint>: SharedSum {
    typealias Element = T

    let count: Int
    let localRank: Int
    let localSize: Int
    /// The slots, the result and this rank's chunk (`SharedSumLayout`).
    let layout: SharedSumLayout
    /// Elements between consecutive slots: `count` rounded up to a 64-byte multiple.
    let stride: Int
    let contribution: UnsafeMutableBufferPointer<T>
    private let base: UnsafeMutablePointer<T>
    private let chunk: Range<Int>
    private let host: MPI_Comm
    /// The ranks with this rank's local index on every host; nil on a single host.
    private let acrossHosts: MPI_Comm?
    private var window: MPI_Win?
    private let watchdog: CollectiveWatchdog
    private let name: String

    /// Collective over `host` (and `acrossHosts`): allocates and maps the window.
    init(count: Int, host: MPI_Comm, acrossHosts: MPI_Comm?, watchdog: CollectiveWatchdog) throws {
        var localRank: Int32 = 0
        var localSize: Int32 = 0
        try check(MPI_Comm_rank(host, &localRank), "MPI_Comm_rank")
        try check(MPI_Comm_size(host, &localSize), "MPI_Comm_size")
        self.count = count
        self.localRank = Int(localRank)
        self.localSize = Int(localSize)
        self.host = host
        self.acrossHosts = acrossHosts
        self.watchdog = watchdog
        name = "shared-memory sum(\(count) \(T.collectiveType))"
        let elementBytes = MemoryLayout<T>.stride
        layout = SharedSumLayout(count: count, localSize: Int(localSize), elementBytes: elementBytes)
        stride = layout.stride
        chunk = layout.chunk(of: Int(localRank))

        let bytes = localRank == 0 ? (Int(localSize) + 1) * stride * elementBytes : 0
        var mine: UnsafeMutableRawPointer? = nil
        var window: MPI_Win? = nil
        try watchdog.watch("MPI_Win_allocate_shared(\(bytes) bytes)") {
            try check(
                MPI_Win_allocate_shared(
                    MPI_Aint(bytes), Int32(elementBytes), cmpi_info_null(), host, &mine, &window),
                "MPI_Win_allocate_shared")
        }
        try check(MPI_Win_set_errhandler(window, cmpi_errors_return()), "MPI_Win_set_errhandler")
        var size: MPI_Aint = 0
        var unit: Int32 = 0
        var start: UnsafeMutableRawPointer? = nil
        try check(MPI_Win_shared_query(window, 0, &size, &unit, &start), "MPI_Win_shared_query")
        guard let start, Int(size) >= (Int(localSize) + 1) * stride * elementBytes else {
            throw makeError(MPI_ERR_WIN, "MPI_Win_shared_query: a window of \(size) bytes")
        }
        // Passive-target epoch for the window's whole life: `MPI_Win_sync` needs one, and NOCHECK because
        // no rank ever locks exclusively.
        try check(MPI_Win_lock_all(cmpi_mode_nocheck(), window), "MPI_Win_lock_all")
        self.window = window
        base = start.bindMemory(to: T.self, capacity: (Int(localSize) + 1) * stride)
        contribution = UnsafeMutableBufferPointer(start: base + Int(localRank) * stride, count: count)
    }

    func reduce() throws -> UnsafeBufferPointer<T> {
        try watchdog.watch(name) {
            try synchronizeHost()
            addSlots()
            if let acrossHosts {
                // Every host has the same number of ranks, so chunk c_l has the same length on every host.
                try check(
                    MPI_Allreduce(
                        cmpi_in_place(), base + localSize * stride + chunk.lowerBound, Int32(chunk.count),
                        T.collectiveType.mpiDatatype, cmpi_sum(), acrossHosts), "MPI_Allreduce")
            }
            try synchronizeHost()
        }
        return UnsafeBufferPointer(start: base + localSize * stride, count: count)
    }

    /// Makes every local rank's writes so far visible to the others, and waits for all of them.
    private func synchronizeHost() throws(MPIError) {
        try check(MPI_Win_sync(window), "MPI_Win_sync")
        try check(MPI_Barrier(host), "MPI_Barrier")
        try check(MPI_Win_sync(window), "MPI_Win_sync")
    }

    /// `result[chunk] = Σ_s slot_s[chunk]`, slots in order (the kernel `InProcessCluster`'s sum shares).
    private func addSlots() {
        layout.addSlots(base, chunk: chunk)
    }

    /// Collective over the host: ends the epoch and frees the window.
    func free() {
        guard window != nil else { return }
        MPI_Win_unlock_all(window)
        MPI_Win_free(&window)
        window = nil
    }
}
