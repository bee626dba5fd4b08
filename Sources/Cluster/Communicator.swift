/// How values from all ranks are combined. The corresponding MPI constants are `MPI_SUM` and `MPI_MAX`
/// (`average` is a sum followed by a division by the world size, on every rank).
public enum ReductionOperation: String, Sendable, CaseIterable {
    case sum
    case average
    case max
    case min
}

/// The element types collectives carry. Each maps to one MPI datatype (`MPI_FLOAT`, `MPI_DOUBLE`,
/// `MPI_INT64_T`, ...); Swift's `Int` is deliberately absent, so nobody sends it as `MPI_INT` by mistake.
public enum CollectiveType: String, Sendable {
    case float32, float64, int64, int32, uint64, uint8
}

/// A Swift type a collective can carry.
public protocol CollectiveElement: Numeric, Sendable {
    static var collectiveType: CollectiveType { get }
}

extension Float: CollectiveElement { public static var collectiveType: CollectiveType { .float32 } }
extension Double: CollectiveElement { public static var collectiveType: CollectiveType { .float64 } }
extension Int64: CollectiveElement { public static var collectiveType: CollectiveType { .int64 } }
extension Int32: CollectiveElement { public static var collectiveType: CollectiveType { .int32 } }
extension UInt64: CollectiveElement { public static var collectiveType: CollectiveType { .uint64 } }
extension UInt8: CollectiveElement { public static var collectiveType: CollectiveType { .uint8 } }

/// A non-blocking collective in flight. Its buffer must stay valid and untouched until `wait()` returns.
public protocol PendingCollective: AnyObject {
    /// Blocks until the collective has completed on this rank.
    func wait() throws

    /// Lets the backend progress the collective without blocking; true once it has completed. (Open MPI
    /// progresses non-blocking collectives only inside MPI calls, so testing between layers is what lets an
    /// all-reduce run while backward computes the next layer.)
    func test() throws -> Bool
}

/// The collective operations Partita's training needs, over a fixed group of processes (ranks).
///
/// Three backends implement it: `MPICommunicator` (in the `MPI` module, over Open MPI),
/// `SingleProcessCommunicator` (a world of one, for plain runs and unit tests) and `InProcessCommunicator`
/// (N ranks as threads of one process, `InProcessCluster`, for unit tests of multi-rank code). Training code
/// is written against this protocol only. Every rank must call the same collectives in the same order with
/// the same counts; a mismatch is a bug that the MPI backend turns into an error or a watchdog abort, and
/// the in-process one into an error on every rank, not a hang.
///
/// Implementations are not `Sendable`: MPI calls are made from one thread.
public protocol Communicator: AnyObject {
    /// This process's index, in 0..<size.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// The name of the host this rank runs on.
    var hostName: String { get }

    /// Combines `buffer` across ranks in place: afterwards every rank holds the same result.
    func allReduce<T: CollectiveElement>(_ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation)
        throws

    /// Starts an in-place all-reduce and returns at once; the result is in `buffer` after `wait()`.
    func startAllReduce<T: CollectiveElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation
    ) throws -> any PendingCollective

    /// Copies `buffer` from `root` to every rank.
    func broadcast<T: CollectiveElement>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws

    /// Collects one byte record of any length from every rank at `root`. `root` gets all records, in rank
    /// order; the other ranks get an empty array.
    func gather(_ record: [UInt8], root: Int) throws -> [[UInt8]]

    /// Waits until every rank has reached the barrier.
    func barrier() throws

    /// Ends every process of the job with `exitCode`, from any rank, without waiting for the others.
    func abort(exitCode: Int32) -> Never

    /// Tells the backend which training step the following collectives belong to, so that a stuck
    /// collective can be reported with its step.
    func beginStep(_ step: Int)

    /// Seconds a collective may take before the job is ended as hung; 0 disables the check.
    func setCollectiveTimeout(_ seconds: Double)

    /// A sum over all ranks of `count` elements through memory that the ranks of each host share, or nil
    /// when this backend or the job's placement has none (see `SharedSum`). Collective: every rank calls
    /// it with the same arguments, and either all get a sum or all get nil. The communicator keeps what it
    /// makes, so a second call with the same arguments returns the same object without communicating.
    func sharedSum<T: CollectiveElement & BinaryFloatingPoint>(count: Int, of type: T.Type) throws
        -> (any SharedSum<T>)?
}

/// A sum over all ranks with no copy in or out of the caller's memory: each rank writes its contribution
/// straight into `contribution` (memory shared with the other ranks of its host), and `reduce()` leaves the
/// sum in a buffer every rank reads in place.
///
/// Within a host, rank l of L adds up the l-th of L contiguous chunks over all L contributions, in
/// local-rank order, and writes it once into the shared result; across hosts, the ranks with the same
/// local index all-reduce their chunk. Every element is therefore computed once, by one rank, and every
/// rank reads the same bits. Compared with `allReduce` on private memory this saves the copies a message
/// passing library makes between processes of one host.
public protocol SharedSum<Element>: AnyObject {
    associatedtype Element: CollectiveElement & BinaryFloatingPoint

    /// This rank's part of the next sum. Write it completely before `reduce()`; do not read it afterwards
    /// (other ranks read it during the sum).
    var contribution: UnsafeMutableBufferPointer<Element> { get }

    /// Sums every rank's contribution. Collective. The result is the same on every rank and stays valid,
    /// read-only, until the next `reduce()`.
    func reduce() throws -> UnsafeBufferPointer<Element>
}

extension Communicator {
    public func beginStep(_ step: Int) {}
    public func setCollectiveTimeout(_ seconds: Double) {}

    /// No shared memory: callers fall back to `allReduce`.
    public func sharedSum<T: CollectiveElement & BinaryFloatingPoint>(count: Int, of type: T.Type) throws
        -> (any SharedSum<T>)?
    { nil }

    /// `allReduce` over a whole array.
    public func allReduce<T: CollectiveElement>(_ values: inout [T], _ operation: ReductionOperation) throws {
        try values.withUnsafeMutableBufferPointer { try allReduce($0, operation) }
    }

    /// `broadcast` over a whole array.
    public func broadcast<T: CollectiveElement>(_ values: inout [T], root: Int) throws {
        try values.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }

    /// Whether this rank is the coordinator (rank 0), which writes the run directory.
    public var isCoordinator: Bool { rank == 0 }
}
