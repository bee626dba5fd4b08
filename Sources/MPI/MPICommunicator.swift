internal import CMPI
public import Cluster
import Foundation

/// `Communicator` over Open MPI.
///
/// It works on a private duplicate of `MPI_COMM_WORLD` (so its collectives can never match a library's),
/// with the error handler `MPI_ERRORS_RETURN` so that every failure comes back through `check` as an
/// `MPIError` instead of aborting in C. Every blocking or awaited collective is watched by a
/// `CollectiveWatchdog`: one that does not complete in time logs the collective and the step, then ends
/// the job. The class is deliberately not `Sendable`: it is used from one thread. Besides that thread, only
/// the `CollectiveThread` (`startAllReduce`'s reductions, on a duplicate communicator of its own) and the
/// watchdog (`MPI_Abort`) make MPI calls, both only when MPI grants `MPI_THREAD_MULTIPLE`.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let hostName: String
    let communicator: MPI_Comm
    let watchdog: CollectiveWatchdog
    /// Runs `startAllReduce`'s reductions on a duplicate of its own (when MPI grants MPI_THREAD_MULTIPLE).
    let collectiveThread: CollectiveThread?
    let asyncCommunicator: MPI_Comm?
    /// The shared sums made by `sharedSum`, nil ones remembered too, in the order they were made (the same on
    /// every rank): freeing a window is collective, so they are freed in this order.
    private var sharedSums: [(key: SharedSumKey, sum: (any FreeableWindow)?)] = []
    private var hostGroups: HostGroups?

    /// Duplicates the world communicator (initializing MPI if needed).
    ///
    /// - Parameter collectiveTimeout: seconds a collective may take before the watchdog aborts the job;
    ///   0 disables the watchdog.
    public init(collectiveTimeout: Double = 300) throws {
        let level = try MPIRuntime.initialize()
        var duplicate: MPI_Comm? = nil
        try check(MPI_Comm_dup(cmpi_comm_world(), &duplicate), "MPI_Comm_dup")
        communicator = duplicate!
        try check(MPI_Comm_set_errhandler(communicator, cmpi_errors_return()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0
        var size: Int32 = 0
        try check(MPI_Comm_rank(communicator, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(communicator, &size), "MPI_Comm_size")
        self.rank = Int(rank)
        self.size = Int(size)
        var name = [CChar](repeating: 0, count: Int(MPI_MAX_PROCESSOR_NAME) + 1)
        var length: Int32 = 0
        try check(MPI_Get_processor_name(&name, &length), "MPI_Get_processor_name")
        hostName = String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let abortCapable = level == .multiple
        if level == .multiple {
            var second: MPI_Comm? = nil
            try check(MPI_Comm_dup(communicator, &second), "MPI_Comm_dup")
            try check(MPI_Comm_set_errhandler(second!, cmpi_errors_return()), "MPI_Comm_set_errhandler")
            asyncCommunicator = second
            collectiveThread = CollectiveThread(communicator: second!)
        } else {
            asyncCommunicator = nil
            collectiveThread = nil
        }
        watchdog = CollectiveWatchdog(timeout: collectiveTimeout, rank: Int(rank)) { code in
            // MPI_Abort from this thread is only allowed at MPI_THREAD_MULTIPLE; otherwise ending this
            // process is enough, because mpirun ends the whole job when one rank dies.
            if abortCapable { MPI_Abort(cmpi_comm_world(), code) }
            _exit(code)
        }
    }

    deinit {
        collectiveThread?.stop()
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        guard finalized == 0 else { return }
        for entry in sharedSums { entry.sum?.free() }
        var comm: MPI_Comm? = communicator
        MPI_Comm_free(&comm)
    }

    public func beginStep(_ step: Int) {
        watchdog.step = step
    }

    public func setCollectiveTimeout(_ seconds: Double) {
        watchdog.timeout = seconds
    }

    public func allReduce<T: CollectiveElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation
    )
        throws
    {
        guard buffer.count > 0 else { return }
        let type = T.collectiveType
        precondition(operation != .average || type.isFloatingPoint, "allReduce: average of integers (\(type))")
        try watchdog.watch("allreduce(\(operation), \(buffer.count) \(type))") {
            try Self.chunked(buffer.count) { offset, count in
                try check(
                    MPI_Allreduce(
                        cmpi_in_place(), buffer.baseAddress! + offset, count, type.mpiDatatype,
                        operation.mpiOperation, communicator), "MPI_Allreduce")
            }
        }
        if operation == .average { Self.divide(buffer, by: size) }
    }

    /// With `MPI_THREAD_MULTIPLE`, the reduction runs as a blocking `MPI_Allreduce` on the collective thread
    /// (see `CollectiveThread`); otherwise it is Open MPI's `MPI_Iallreduce`.
    public func startAllReduce<T: CollectiveElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation
    ) throws -> any PendingCollective {
        let type = T.collectiveType
        precondition(operation != .average || type.isFloatingPoint, "startAllReduce: average of integers (\(type))")
        let size = size
        let name = "allreduce(\(operation), \(buffer.count) \(type))"
        let completion: () -> Void = operation == .average ? { Self.divide(buffer, by: size) } : {}
        if let collectiveThread {
            // The caller keeps `buffer` valid until wait(); the thread only uses it until then.
            nonisolated(unsafe) let base = buffer.baseAddress
            let count = buffer.count
            let job = collectiveThread.submit { (comm: MPI_Comm) throws(MPIError) in
                try Self.chunked(count) { (offset, n) throws(MPIError) in
                    try check(
                        MPI_Allreduce(
                            cmpi_in_place(), base! + offset, n, type.mpiDatatype, operation.mpiOperation, comm),
                        "MPI_Allreduce")
                }
            }
            return ThreadPending(
                thread: collectiveThread, job: job, watchdog: watchdog, name: name, completion: completion)
        }
        var requests = [MPI_Request?]()
        if buffer.count > 0 {
            try Self.chunked(buffer.count) { offset, count in
                var request: MPI_Request? = nil
                try check(
                    MPI_Iallreduce(
                        cmpi_in_place(), buffer.baseAddress! + offset, count, type.mpiDatatype,
                        operation.mpiOperation, communicator, &request), "MPI_Iallreduce")
                requests.append(request)
            }
        }
        return Pending(requests: requests, watchdog: watchdog, name: name, completion: completion)
    }

    /// A reduction running on the collective thread.
    final class ThreadPending: PendingCollective {
        let thread: CollectiveThread
        let job: CollectiveThread.Job
        let watchdog: CollectiveWatchdog
        let name: String
        let completion: () -> Void
        var done = false

        init(
            thread: CollectiveThread, job: CollectiveThread.Job, watchdog: CollectiveWatchdog, name: String,
            completion: @escaping () -> Void
        ) {
            self.thread = thread
            self.job = job
            self.watchdog = watchdog
            self.name = name
            self.completion = completion
        }

        func wait() throws {
            guard !done else { return }
            try watchdog.watch(name) { try thread.wait(for: job) }
            done = true
            completion()
        }

        func test() -> Bool { thread.isFinished(job) }
    }

    public func broadcast<T: CollectiveElement>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        precondition((0..<size).contains(root), "broadcast: root \(root) outside 0..<\(size)")
        guard buffer.count > 0 else { return }
        try watchdog.watch("broadcast(\(buffer.count) \(T.collectiveType) from rank \(root))") {
            try Self.chunked(buffer.count) { offset, count in
                try check(
                    MPI_Bcast(
                        buffer.baseAddress! + offset, count, T.collectiveType.mpiDatatype, Int32(root), communicator),
                    "MPI_Bcast")
            }
        }
    }

    /// Two steps: the record lengths are gathered at `root`, then the bytes with `MPI_Gatherv`.
    public func gather(_ record: [UInt8], root: Int) throws -> [[UInt8]] {
        precondition((0..<size).contains(root), "gather: root \(root) outside 0..<\(size)")
        precondition(record.count < Int(Int32.max), "gather: a record of \(record.count) bytes is too long")
        return try watchdog.watch("gather(\(record.count) bytes to rank \(root))") {
            var length = Int32(record.count)
            var lengths = [Int32](repeating: 0, count: rank == root ? size : 1)
            try check(
                MPI_Gather(&length, 1, cmpi_int32(), &lengths, 1, cmpi_int32(), Int32(root), communicator), "MPI_Gather"
            )
            var displacements = [Int32](repeating: 0, count: lengths.count)
            var total = 0
            if rank == root {
                for i in 0..<size {
                    displacements[i] = Int32(total)
                    total += Int(lengths[i])
                }
                precondition(total < Int(Int32.max), "gather: \(total) bytes in all is too many for one gather")
            }
            var received = [UInt8](repeating: 0, count: max(total, 1))
            try record.withUnsafeBufferPointer { send in
                try check(
                    MPI_Gatherv(
                        send.baseAddress, length, cmpi_uint8(), &received, &lengths, &displacements, cmpi_uint8(),
                        Int32(root), communicator), "MPI_Gatherv")
            }
            guard rank == root else { return [] }
            return (0..<size).map { Array(received[Int(displacements[$0])..<Int(displacements[$0] + lengths[$0])]) }
        }
    }

    public func barrier() throws {
        try watchdog.watch("barrier") { try check(MPI_Barrier(communicator), "MPI_Barrier") }
    }

    public func abort(exitCode: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), exitCode)
        _exit(exitCode)
    }

    /// MPI counts are `Int32`: larger buffers go in chunks of at most 2³⁰ elements.
    static func chunked<E: Error>(_ count: Int, _ body: (Int, Int32) throws(E) -> Void) throws(E) {
        let chunk = 1 << 30
        var offset = 0
        while offset < count {
            let n = min(chunk, count - offset)
            try body(offset, Int32(n))
            offset += n
        }
    }

    static func divide<T: CollectiveElement>(_ buffer: UnsafeMutableBufferPointer<T>, by size: Int) {
        switch T.collectiveType {
        case .float32:
            let p = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: Float.self)
            for i in 0..<buffer.count { p[i] /= Float(size) }
        case .float64:
            let p = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: Double.self)
            for i in 0..<buffer.count { p[i] /= Double(size) }
        default: preconditionFailure("average of integers")
        }
    }

    /// A non-blocking all-reduce in flight: its requests, completed by `wait()`.
    final class Pending: PendingCollective {
        var requests: [MPI_Request?]
        let watchdog: CollectiveWatchdog
        let name: String
        let completion: () -> Void
        var done = false

        init(requests: [MPI_Request?], watchdog: CollectiveWatchdog, name: String, completion: @escaping () -> Void) {
            self.requests = requests
            self.watchdog = watchdog
            self.name = name
            self.completion = completion
        }

        func wait() throws {
            guard !done else { return }
            try watchdog.watch("wait for \(name)") {
                if !requests.isEmpty {
                    try check(
                        MPI_Waitall(Int32(requests.count), &requests, cmpi_statuses_ignore()), "MPI_Waitall")
                }
            }
            done = true
            completion()
        }

        /// Lets MPI progress the collective without blocking; true when it has completed.
        func test() throws -> Bool {
            guard !done, !requests.isEmpty else { return true }
            var flag: Int32 = 0
            try check(MPI_Testall(Int32(requests.count), &requests, &flag, cmpi_statuses_ignore()), "MPI_Testall")
            return flag != 0
        }
    }
}

extension MPICommunicator {
    struct SharedSumKey: Equatable {
        let type: CollectiveType
        let count: Int
    }

    /// The ranks of this host, and the ranks with the same local index on every host.
    struct HostGroups {
        let host: MPI_Comm
        let acrossHosts: MPI_Comm
        let hostCount: Int
        /// Whether every host runs the same number of ranks, at least two.
        let uniform: Bool
    }

    /// A `HostSharedSum` when every host runs the same number L ≥ 2 of ranks; nil otherwise (one rank per
    /// host has nothing to share, and unequal hosts would give chunks of different lengths across hosts).
    public func sharedSum<T: CollectiveElement & BinaryFloatingPoint>(count: Int, of type: T.Type) throws
        -> (any SharedSum<T>)?
    {
        let key = SharedSumKey(type: T.collectiveType, count: count)
        if let known = sharedSums.first(where: { $0.key == key }) { return known.sum as? HostSharedSum<T> }
        let groups = try hostGroups ?? makeHostGroups()
        hostGroups = groups
        var made: HostSharedSum<T>? = nil
        if groups.uniform && count > 0 {
            made = try HostSharedSum<T>(
                count: count, host: groups.host, acrossHosts: groups.hostCount > 1 ? groups.acrossHosts : nil,
                watchdog: watchdog)
        }
        sharedSums.append((key, made))
        return made
    }

    private func makeHostGroups() throws -> HostGroups {
        try watchdog.watch("split by host") {
            var host: MPI_Comm? = nil
            try check(
                MPI_Comm_split_type(communicator, cmpi_comm_type_shared(), Int32(rank), cmpi_info_null(), &host),
                "MPI_Comm_split_type")
            try check(MPI_Comm_set_errhandler(host, cmpi_errors_return()), "MPI_Comm_set_errhandler")
            var localRank: Int32 = 0
            var localSize: Int32 = 0
            try check(MPI_Comm_rank(host, &localRank), "MPI_Comm_rank")
            try check(MPI_Comm_size(host, &localSize), "MPI_Comm_size")
            var across: MPI_Comm? = nil
            try check(MPI_Comm_split(communicator, localRank, Int32(rank), &across), "MPI_Comm_split")
            try check(MPI_Comm_set_errhandler(across, cmpi_errors_return()), "MPI_Comm_set_errhandler")
            // The largest and smallest host, in one all-reduce (max of L and of −L).
            var extremes: [Int64] = [Int64(localSize), -Int64(localSize)]
            try check(
                MPI_Allreduce(cmpi_in_place(), &extremes, 2, cmpi_int64(), cmpi_max(), communicator), "MPI_Allreduce")
            var hosts: Int32 = 0
            try check(MPI_Comm_size(across, &hosts), "MPI_Comm_size")
            return HostGroups(
                host: host!, acrossHosts: across!, hostCount: Int(hosts),
                uniform: extremes[0] == -extremes[1] && extremes[0] >= 2)
        }
    }
}

/// Shared windows are freed explicitly before the communicator, whatever their element type.
protocol FreeableWindow: AnyObject {
    func free()
}

extension HostSharedSum: FreeableWindow {}

extension MPICommunicator {
    /// One blocking `MPI_Allreduce` (sum, in place) on `MPI_COMM_WORLD`, with no chunking, watchdog or
    /// buckets: the baseline the benchmark compares Partita's gradient all-reduce with.
    public func bareAllReduce(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try check(
            MPI_Allreduce(
                cmpi_in_place(), buffer.baseAddress, Int32(buffer.count), cmpi_float(), cmpi_sum(), cmpi_comm_world()),
            "MPI_Allreduce")
    }
}
