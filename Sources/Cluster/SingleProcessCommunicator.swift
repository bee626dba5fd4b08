import Foundation

/// A world of one process: every collective is the identity. Used by plain `partita train` without
/// `mpirun` when MPI is not wanted, and by unit tests.
public final class SingleProcessCommunicator: Communicator {
    public init() {}

    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var hostName: String { ProcessInfo.processInfo.hostName }

    public func allReduce<T: CollectiveElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation
    ) {
    }

    public func startAllReduce<T: CollectiveElement>(
        _ buffer: UnsafeMutableBufferPointer<T>, _ operation: ReductionOperation
    ) -> any PendingCollective {
        Completed()
    }

    public func broadcast<T: CollectiveElement>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) {
        precondition(root == 0, "broadcast: root \(root) outside a world of 1")
    }

    public func gather(_ record: [UInt8], root: Int) -> [[UInt8]] {
        precondition(root == 0, "gather: root \(root) outside a world of 1")
        return [record]
    }

    public func barrier() {}

    public func abort(exitCode: Int32) -> Never {
        exit(exitCode)
    }

    private final class Completed: PendingCollective {
        func wait() {}
        func test() -> Bool { true }
    }
}
