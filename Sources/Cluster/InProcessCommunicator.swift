import Foundation

/// One rank of an `InProcessCluster` job: the real `Communicator` protocol over the threads of one process,
/// with a deterministic backend (the way swift-nio's `EmbeddedChannel` runs the real channel protocol).
///
/// - `allReduce` and `startAllReduce` combine in rank order, `((x₀ ⊕ x₁) ⊕ x₂) ⊕ …` element by element
///   (`average` divides that sum by the world size, as `MPICommunicator` does), and every rank receives the
///   same bits. Integer sums wrap, like `MPI_SUM`.
/// - `sharedSum` gives the ranks of each host one shared block and sums it with `HostSharedSum`'s kernel
///   (`SharedSumLayout`), so its results are bit-identical to the MPI backend's on one host.
/// - `broadcast`, `gather` and `barrier` have `MPICommunicator`'s semantics, including its early return for
///   an empty buffer.
/// - Every collective names what it does; the ranks' calls must agree, or every rank throws an
///   `InProcessClusterError` listing each rank's call. So do the collectives that can no longer complete
///   because a rank has thrown from its body or returned early. None of this depends on timing.
/// - `setCollectiveTimeout` is ignored (there is nothing to time out: a rank that cannot be waited for is
///   detected), and `abort` ends the process, which holds every rank of the job.
public final class InProcessCommunicator: Communicator {
    public let rank: Int
    /// The host index of this rank (`rank / ranksPerHost`).
    public let host: Int
    let world: InProcessWorld
    private var sequence = 0
    private var sharedSums: [(key: SharedSumKey, sum: AnyObject?)] = []

    init(world: InProcessWorld, rank: Int) {
        self.world = world
        self.rank = rank
        host = rank / world.ranksPerHost
    }

    public var size: Int { world.size }

    /// `in-process-H` for host H.
    public var hostName: String { "in-process-\(host)" }

    /// The number of this rank's next collective.
    func nextSequence() -> Int {
        defer { sequence += 1 }
        return sequence
    }

    public func beginStep(_ step: Int) {
        world.setStep(step, rank: rank)
    }

    public func allReduce<T: CollectiveElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation
    ) throws {
        guard buffer.count > 0 else { return }
        try startAllReduce(buffer, operation).wait()
    }

    public func startAllReduce<T: CollectiveElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation
    ) throws -> any PendingCollective {
        let type = T.collectiveType
        precondition(operation != .average || type.isFloatingPoint, "allReduce: average of integers (\(type))")
        guard buffer.count > 0 else { return Pending(buffer: buffer, world: world, rank: rank, sequence: nil) }
        let sequence = nextSequence()
        let size = size
        try world.post(
            rank: rank, sequence: sequence, name: "allreduce(\(operation), \(buffer.count) \(type))",
            input: UnsafeBufferPointer(buffer)
        ) { inputs in
            [InProcessReduction.reduce(inputs.map { $0 as! UnsafeBufferPointer<T> }, operation, size: size)]
        }
        return Pending(buffer: buffer, world: world, rank: rank, sequence: sequence)
    }

    /// An all-reduce in flight: its round's output is copied into the buffer when it completes.
    final class Pending<T: CollectiveElement>: PendingCollective {
        let buffer: UnsafeMutableBufferPointer<T>
        let world: InProcessWorld
        let rank: Int
        var sequence: Int?

        init(buffer: UnsafeMutableBufferPointer<T>, world: InProcessWorld, rank: Int, sequence: Int?) {
            self.buffer = buffer
            self.world = world
            self.rank = rank
            self.sequence = sequence
        }

        func wait() throws {
            guard let sequence else { return }
            let result = try world.take(rank: rank, sequence: sequence) as! [T]
            _ = buffer.update(fromContentsOf: result)
            self.sequence = nil
        }

        func test() throws -> Bool {
            guard let sequence else { return true }
            guard try world.isComplete(rank: rank, sequence: sequence) else { return false }
            try wait()
            return true
        }
    }

    public func broadcast<T: CollectiveElement>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        precondition((0..<size).contains(root), "broadcast: root \(root) outside 0..<\(size)")
        guard buffer.count > 0 else { return }
        let sequence = nextSequence()
        try world.post(
            rank: rank, sequence: sequence,
            name: "broadcast(\(buffer.count) \(T.collectiveType) from rank \(root))",
            input: UnsafeBufferPointer(buffer)
        ) { inputs in [Array(inputs[root] as! UnsafeBufferPointer<T>)] }
        let values = try world.take(rank: rank, sequence: sequence) as! [T]
        if rank != root { _ = buffer.update(fromContentsOf: values) }
    }

    public func gather(_ record: [UInt8], root: Int) throws -> [[UInt8]] {
        precondition((0..<size).contains(root), "gather: root \(root) outside 0..<\(size)")
        let sequence = nextSequence()
        let size = size
        try world.post(rank: rank, sequence: sequence, name: "gather(to rank \(root))", input: record) { inputs in
            let records = inputs.map { $0 as! [UInt8] }
            return (0..<size).map { $0 == root ? records : [[UInt8]]() }
        }
        return try world.take(rank: rank, sequence: sequence) as! [[UInt8]]
    }

    public func barrier() throws {
        try barrier(named: "barrier")
    }

    /// A barrier whose name must match on every rank (the shared sum's phases use their own).
    func barrier(named name: String) throws {
        let sequence = nextSequence()
        try world.post(rank: rank, sequence: sequence, name: name, input: ()) { _ in [()] }
        _ = try world.take(rank: rank, sequence: sequence)
    }

    /// Ends the process, which holds every rank of the job (as `MPI_Abort` ends every process of an MPI job).
    public func abort(exitCode: Int32) -> Never {
        exit(exitCode)
    }

    struct SharedSumKey: Equatable {
        let type: CollectiveType
        let count: Int
    }

    /// One shared block per host when every host has the same number L ≥ 2 of ranks and `count` > 0, nil
    /// otherwise (the rule `MPICommunicator` follows). Collective the first time for each type and count.
    public func sharedSum<T: CollectiveElement & BinaryFloatingPoint>(count: Int, of type: T.Type) throws
        -> (any SharedSum<T>)?
    {
        let key = SharedSumKey(type: T.collectiveType, count: count)
        if let known = sharedSums.first(where: { $0.key == key }) { return known.sum as? InProcessSharedSum<T> }
        let (size, perHost) = (size, world.ranksPerHost)
        let usable = perHost >= 2 && size % perHost == 0 && count > 0
        let sequence = nextSequence()
        try world.post(
            rank: rank, sequence: sequence, name: "sharedSum(\(count) \(T.collectiveType))", input: ()
        ) { _ in
            guard usable else { return [Optional<[SharedBlock<T>]>.none as Any] }
            let layout = SharedSumLayout(count: count, localSize: perHost, elementBytes: MemoryLayout<T>.stride)
            return [Optional((0..<(size / perHost)).map { _ in SharedBlock<T>(layout: layout) }) as Any]
        }
        let blocks = try world.take(rank: rank, sequence: sequence) as! [SharedBlock<T>]?
        let made = blocks.map { InProcessSharedSum(communicator: self, blocks: $0) }
        sharedSums.append((key, made))
        return made
    }
}

/// The combining functions of `allReduce`, on concrete types.
enum InProcessReduction {
    /// `((x₀ ⊕ x₁) ⊕ x₂) ⊕ …` element by element; `average` divides the sum by `size`.
    static func reduce<T: CollectiveElement>(
        _ inputs: [UnsafeBufferPointer<T>], _ operation: ReductionOperation, size: Int
    ) -> [T] {
        switch T.collectiveType {
        case .float32: floating(inputs, Float.self, operation, size: size) as! [T]
        case .float64: floating(inputs, Double.self, operation, size: size) as! [T]
        case .int64: integer(inputs, Int64.self, operation) as! [T]
        case .int32: integer(inputs, Int32.self, operation) as! [T]
        case .uint64: integer(inputs, UInt64.self, operation) as! [T]
        case .uint8: integer(inputs, UInt8.self, operation) as! [T]
        }
    }

    private static func floating<T, F: BinaryFloatingPoint>(
        _ inputs: [UnsafeBufferPointer<T>], _: F.Type, _ operation: ReductionOperation, size: Int
    ) -> [F] {
        let typed = inputs.map { UnsafeRawBufferPointer($0).assumingMemoryBound(to: F.self) }
        switch operation {
        case .sum: return fold(typed, +)
        case .average: return fold(typed, +).map { $0 / F(size) }
        case .max: return fold(typed) { $1 > $0 ? $1 : $0 }
        case .min: return fold(typed) { $1 < $0 ? $1 : $0 }
        }
    }

    private static func integer<T, I: FixedWidthInteger>(
        _ inputs: [UnsafeBufferPointer<T>], _: I.Type, _ operation: ReductionOperation
    ) -> [I] {
        let typed = inputs.map { UnsafeRawBufferPointer($0).assumingMemoryBound(to: I.self) }
        switch operation {
        case .sum: return fold(typed, &+)
        case .max: return fold(typed) { Swift.max($0, $1) }
        case .min: return fold(typed) { Swift.min($0, $1) }
        case .average: preconditionFailure("average of integers")
        }
    }

    /// `result = x₀; result = result ⊕ x_r` for r = 1, 2, ... in order.
    private static func fold<V>(_ inputs: [UnsafeBufferPointer<V>], _ combine: (V, V) -> V) -> [V] {
        var result = Array(inputs[0])
        for input in inputs.dropFirst() {
            precondition(input.count == result.count, "allReduce: \(input.count) elements against \(result.count)")
            for i in result.indices { result[i] = combine(result[i], input[i]) }
        }
        return result
    }
}

extension CollectiveType {
    var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}
