internal import CMPI
import Foundation

/// A thread that runs the non-blocking all-reduces, Horovod-style, one after another in submission order.
///
/// Open MPI progresses its native non-blocking collectives (`MPI_Iallreduce`) only while the caller is
/// inside an MPI call, and uses generic algorithms for them: measured here, a 7.5 MB `MPI_Iallreduce` took
/// three times as long as a blocking `MPI_Allreduce` of the same buffer. Running the blocking, tuned
/// collective on a thread of its own gives both: the caller continues (backward keeps computing) and the
/// reduction runs at full speed.
///
/// A caller that waits for a job nobody has started yet runs it itself ("helping"), which saves the thread
/// hand-off when there is nothing left to overlap (the last bucket of a backward pass). Jobs still run one
/// at a time and in submission order: only the job at the head of the queue may start, and only when no job
/// is running. The thread's communicator is a duplicate of its own, because two threads must never run
/// collectives on the same communicator at once; all this needs `MPI_THREAD_MULTIPLE`.
final class CollectiveThread: @unchecked Sendable {
    // @unchecked: every mutable field, here and in each Job, is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var running = false
    private var stopping = false
    private let communicator: MPI_Comm

    /// One submitted collective.
    final class Job: @unchecked Sendable {
        let work: (MPI_Comm) throws(MPIError) -> Void
        fileprivate var finished = false
        fileprivate var error: MPIError?

        init(work: @escaping (MPI_Comm) throws(MPIError) -> Void) {
            self.work = work
        }
    }

    init(communicator: MPI_Comm) {
        self.communicator = communicator
        let thread = Thread { [self] in self.loop() }
        thread.name = "partita-collectives"
        thread.start()
    }

    /// Queues `work`; it runs after every job submitted before it.
    func submit(_ work: @escaping (MPI_Comm) throws(MPIError) -> Void) -> Job {
        let job = Job(work: work)
        condition.withLock {
            queue.append(job)
            condition.broadcast()
        }
        return job
    }

    /// Whether `job` has completed.
    func isFinished(_ job: Job) -> Bool {
        condition.withLock { job.finished }
    }

    /// Blocks until `job` has completed, running it on this thread if it is next and nothing is running.
    func wait(for job: Job) throws(MPIError) {
        condition.lock()
        while !job.finished {
            if !running, queue.first === job {
                queue.removeFirst()
                run(job)
            } else {
                condition.wait()
            }
        }
        let error = job.error
        condition.unlock()
        if let error { throw error }
    }

    /// Lets the thread finish the queue and end.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    private func loop() {
        condition.lock()
        while true {
            while (queue.isEmpty || running) && !stopping { condition.wait() }
            if queue.isEmpty && stopping { break }
            guard !running, !queue.isEmpty else { continue }
            run(queue.removeFirst())
        }
        condition.unlock()
    }

    /// Runs `job` with the lock released; called and returning with `condition` locked.
    private func run(_ job: Job) {
        running = true
        condition.unlock()
        var failure: MPIError?
        do throws(MPIError) {
            try job.work(communicator)
        } catch {
            failure = error
        }
        condition.lock()
        running = false
        job.error = failure
        job.finished = true
        condition.broadcast()
    }
}
