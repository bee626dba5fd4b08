public import Cluster
import Foundation
import Methods
import Networks
import Optimizers
import Tensors

/// Data-parallel speed, measured inside one `mpirun` job so that every ratio compares things timed side by
/// side, in alternating rounds, on the same machine state:
///
/// - **solo**: rank 0 trains with the whole global batch while the other ranks wait (sleeping, not
///   spinning, so they leave their cores free): the one-rank throughput;
/// - **parallel**: every rank trains with its share of the global batch and the gradients are summed as
///   `partita train` sums them (`GradientBuckets.backwardAndSum`: a `SharedSum` on the host, or MPI
///   buckets): the N-rank throughput;
/// - **Partita sum**: that sum of a computed gradient, alone;
/// - **bare all-reduce**: one blocking `MPI_Allreduce` of the same buffer, supplied by the caller.
///
/// Scaling efficiency is `parallel samples/s ÷ (N · solo samples/s)`. Every figure is a median over rounds.
public enum DataParallelBenchmark {
    public struct Result: Sendable {
        public let ranks: Int
        public let hosts: [String]
        public let globalBatch: Int
        public let parameterCount: Int
        public let soloStepSeconds: Double
        public let parallelStepSeconds: Double
        public let partitaAllReduceSeconds: Double
        public let bareAllReduceSeconds: Double
        /// Median seconds per parallel step spent waiting for the all-reduce after backward.
        public let parallelWaitSeconds: Double
        /// `shared memory` or `MPI buckets`: how the parallel steps summed their gradients.
        public let sumMethod: String

        public var soloSamplesPerSecond: Double { Double(globalBatch) / soloStepSeconds }
        public var parallelSamplesPerSecond: Double { Double(globalBatch) / parallelStepSeconds }
        public var scalingEfficiency: Double { parallelSamplesPerSecond / (Double(ranks) * soloSamplesPerSecond) }
        public var allReduceOverhead: Double { partitaAllReduceSeconds / bareAllReduceSeconds - 1 }
    }

    public static func run(
        communicator: any Communicator, sizes: [Int], globalBatch: Int, bucketMB: Double,
        sharedMemory: Bool, rounds: Int, stepsPerRound: Int,
        bareAllReduce: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) throws -> Result {
        let ranks = communicator.size
        precondition(globalBatch % ranks == 0, "global batch \(globalBatch) is not a multiple of \(ranks) ranks")
        let architecture = MLPArchitecture(sizes: sizes, activation: .relu)
        var model = MLP<Float>(architecture, initialization: .he, seed: 0)
        var optimizer = try SGD<Float>(learningRate: 1e-4, momentum: 0.9)
        let buckets = GradientBuckets(
            layout: model.layout, scalarBytes: 4, bucketBytes: Int(bucketMB * 1_048_576), sharedMemory: sharedMemory)
        let shared = buckets.sharedMemory ? try communicator.sharedSum(count: model.layout.count, of: Float.self) : nil
        var gradient = ParameterBuffer<Float>(layout: model.layout)
        var pass = ForwardPass<Float>()

        func batch(_ count: Int, stream: Int) -> (Matrix<Float>, LossTargets<Float>) {
            var random = RandomStream(seed: 1, key: .testing.with(index: stream))
            let inputs = Matrix<Float>(
                rows: count, columns: sizes[0], storage: random.draw(count * sizes[0]) { $0.normal() })
            return (inputs, .classes((0..<count).map { _ in Int32(random.integer(below: sizes.last!)) }))
        }
        let solo = batch(globalBatch, stream: 1000)
        let mine = batch(globalBatch / ranks, stream: communicator.rank)

        func context(_ communicator: any Communicator) -> StepContext {
            StepContext(
                communicator: communicator, step: 0, learningRate: optimizer.learningRate, globalBatch: globalBatch,
                checkLocalLoss: { _ in })
        }
        let parallelContext = context(communicator)
        let soloContext = context(SingleProcessCommunicator())
        var dOutput: Matrix<Float>?
        /// One training step; without `reduce`, one rank alone (nothing is summed).
        func step(_ data: (Matrix<Float>, LossTargets<Float>), reduce: Bool) throws -> Double {
            let summed = try buckets.lossAndSummedGradient(
                model, inputs: data.0, targets: data.1, loss: .softmaxCrossEntropy,
                context: reduce ? parallelContext : soloContext, pass: &pass, dOutput: &dOutput, gradient: &gradient)
            summed.gradient.withValues(in: gradient) { optimizer.step(parameters: &model.parameters, gradient: $0) }
            return summed.waited
        }

        /// Times `body` between two barriers, so every rank measures the same interval.
        func timed(_ body: () throws -> Void) throws -> Double {
            try communicator.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            try communicator.barrier()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        /// Blocks until rank 0 arrives, polling with sleeps rather than spinning inside MPI.
        func idleUntilRankZero() throws {
            var token = [Int32(0)]
            try token.withUnsafeMutableBufferPointer { buffer in
                let pending = try communicator.startAllReduce(buffer, .sum)
                while try !pending.test() { usleep(200) }
                try pending.wait()
            }
        }

        _ = try step(mine, reduce: true)  // warm-up: page faults, BLAS buffers, MPI connections
        var soloTimes = [Double](), parallelTimes = [Double](), partitaTimes = [Double](), bareTimes = [Double]()
        var waits = [Double]()
        for round in 0..<rounds {
            soloTimes.append(
                try timed {
                    if communicator.rank == 0 {
                        for _ in 0..<stepsPerRound { _ = try step(solo, reduce: false) }
                        // Non-blocking like the waiting ranks': MPI never matches a blocking collective
                        // with a non-blocking one.
                        if ranks > 1 { try idleUntilRankZero() }
                    } else {
                        try idleUntilRankZero()
                    }
                } / Double(stepsPerRound))
            var waited = 0.0
            parallelTimes.append(
                try timed { for _ in 0..<stepsPerRound { waited += try step(mine, reduce: true) } }
                    / Double(stepsPerRound))
            waits.append(waited / Double(stepsPerRound))
            // The two all-reduce measurements swap places every round: whichever runs right after the
            // training steps is measured a few percent slower (cache and rank skew), so neither may always
            // go first.
            // The bare all-reduce works on this rank's real gradient, whichever way it was summed.
            if let shared {
                gradient.values.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: shared.contribution) }
            }
            func measurePartita() throws {
                partitaTimes.append(
                    try timed {
                        for _ in 0..<stepsPerRound {
                            if let shared {
                                _ = try shared.reduce()
                            } else {
                                try gradient.values.withUnsafeMutableBufferPointer {
                                    try buckets.allReduce($0, communicator: communicator)
                                }
                            }
                        }
                    } / Double(stepsPerRound))
            }
            func measureBare() throws {
                bareTimes.append(
                    try timed {
                        for _ in 0..<stepsPerRound {
                            try gradient.values.withUnsafeMutableBufferPointer { try bareAllReduce($0) }
                        }
                    } / Double(stepsPerRound))
            }
            if round % 2 == 0 {
                try measurePartita()
                try measureBare()
            } else {
                try measureBare()
                try measurePartita()
            }
        }
        let hosts = try communicator.gather(Array(communicator.hostName.utf8), root: 0).map {
            String(decoding: $0, as: UTF8.self)
        }
        return Result(
            ranks: ranks, hosts: hosts, globalBatch: globalBatch, parameterCount: model.layout.count,
            soloStepSeconds: median(soloTimes), parallelStepSeconds: median(parallelTimes),
            partitaAllReduceSeconds: median(partitaTimes), bareAllReduceSeconds: median(bareTimes),
            parallelWaitSeconds: median(waits), sumMethod: shared != nil ? "shared memory" : "MPI buckets")
    }

    static func median(_ values: [Double]) -> Double { StepBenchmark.median(values) }
}
