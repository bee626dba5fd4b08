public import Cluster
import Foundation
public import Networks
public import Tensors

/// How the gradient is cut into buckets for the all-reduce, DDP-style.
///
/// Backward produces gradients from the last layer to the first. Consecutive layers are grouped, starting
/// from the last, until a bucket holds at least `bucketBytes`; each bucket is a contiguous range of the flat
/// gradient (layers are stored in order), and its non-blocking all-reduce starts as soon as backward has
/// finished the bucket's first layer. Every rank computes the same buckets from the same layout, so the
/// collectives are issued in the same order everywhere (the rule that keeps DDP from hanging).
public struct GradientBuckets: Sendable, Equatable {
    /// A range of the flat gradient and the layer whose completion makes it final.
    public struct Bucket: Sendable, Equatable {
        public let range: Range<Int>
        public let readyAfterLayer: Int

        public init(range: Range<Int>, readyAfterLayer: Int) {
            self.range = range
            self.readyAfterLayer = readyAfterLayer
        }
    }

    /// In the order they become ready (last layers first).
    public let buckets: [Bucket]
    /// Whether `backwardAndSum` may sum through memory shared by the ranks of a host (`SharedSum`); only
    /// with one bucket, since that sum is not overlapped with backward.
    public let sharedMemory: Bool

    /// - Parameters:
    ///   - bucketBytes: the smallest bucket in bytes; 0 puts everything in one bucket (one all-reduce after
    ///     backward).
    ///   - sharedMemory: allow `backwardAndSum` to use a `SharedSum` (`train.allreduce: shared-memory`).
    public init(layout: ParameterLayout, scalarBytes: Int, bucketBytes: Int, sharedMemory: Bool = false) {
        var buckets = [Bucket]()
        var end: Int?
        var bytes = 0
        for layer in stride(from: layout.layerCount - 1, through: 0, by: -1) {
            let views = layout.views.filter { $0.layer == layer }
            guard let lower = views.map(\.offset).min(), let upper = views.map({ $0.range.upperBound }).max() else {
                continue
            }
            if end == nil { end = upper }
            bytes += (upper - lower) * scalarBytes
            if bucketBytes > 0 && bytes >= bucketBytes || layer == 0 {
                buckets.append(Bucket(range: lower..<end!, readyAfterLayer: layer))
                end = nil
                bytes = 0
            }
        }
        self.buckets = buckets
        self.sharedMemory = sharedMemory && buckets.count == 1
    }

    /// The first layer with parameters: its bucket is final only when backward is over, so it is reduced last
    /// with a blocking all-reduce.
    var firstLayer: Int { buckets.last?.readyAfterLayer ?? 0 }
}

/// Where `GradientBuckets.backwardAndSum` left the gradient summed over all ranks.
public enum SummedGradient<Scalar> {
    /// In the `gradient` buffer passed in.
    case inBuffer
    /// In memory shared by the ranks of this host, valid until the next sum (see `SharedSum.reduce()`).
    case shared(UnsafeBufferPointer<Scalar>)

    /// Calls `body` with the summed gradient wherever it is: `buffer` (the one given to `backwardAndSum`)
    /// for `inBuffer`.
    public func withValues<Result>(
        in buffer: ParameterBuffer<Scalar>, _ body: (UnsafeBufferPointer<Scalar>) throws -> Result
    ) rethrows -> Result {
        switch self {
        case .inBuffer: try buffer.values.withUnsafeBufferPointer(body)
        case .shared(let sum): try body(sum)
        }
    }
}

extension GradientBuckets {
    /// A backward pass writing the whole gradient into raw storage of the parameters' layout, calling
    /// `layerCompleted(l)` as soon as layer l's part is final (or never: the buckets left are then reduced
    /// when it returns). The storage stays valid and unmoved for the whole call.
    public typealias Backward<Scalar> = (_ into: UnsafeMutableBufferPointer<Scalar>, _ layerCompleted: (Int) -> Void)
        -> Void

    /// Runs backward and sums the gradient over all ranks: the one gradient-sum path of every method.
    ///
    /// Through a `SharedSum` when `sharedMemory` is set and the communicator offers one (backward writes
    /// straight into the shared contribution, so nothing is copied), otherwise with `backwardAndAllReduce`
    /// into `gradient`. On one rank the backward pass writes into `gradient` and nothing is reduced. Returns
    /// where the sum is and the seconds spent communicating after backward.
    public func backwardAndSum<Scalar: TrainingScalar>(
        into gradient: inout ParameterBuffer<Scalar>, communicator: any Communicator, backward: Backward<Scalar>
    ) throws -> (gradient: SummedGradient<Scalar>, waited: Double) {
        if sharedMemory && communicator.size > 1,
            let shared = try communicator.sharedSum(count: gradient.layout.count, of: Scalar.self)
        {
            backward(shared.contribution) { _ in }
            let start = DispatchTime.now().uptimeNanoseconds
            let sum = try shared.reduce()
            return (.shared(sum), Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let waited = try backwardAndAllReduce(into: &gradient, communicator: communicator, backward: backward)
        return (.inBuffer, waited)
    }

    /// `backwardAndSum` for a network's backward pass (an `MLP` or a layer stack).
    public func backwardAndSum<Scalar: TrainingScalar, Network: TrainableNetwork<Scalar>>(
        _ model: Network, _ pass: Network.Pass, dOutput: Matrix<Scalar>,
        into gradient: inout ParameterBuffer<Scalar>, communicator: any Communicator
    ) throws -> (gradient: SummedGradient<Scalar>, waited: Double) {
        try backwardAndSum(into: &gradient, communicator: communicator) { g, layerCompleted in
            model.backpropagate(pass, dOutput: dOutput, into: g, layerCompleted: layerCompleted)
        }
    }

    /// Runs the backward pass into `gradient` and sums the gradient over all ranks, bucket by bucket: each
    /// bucket's non-blocking all-reduce starts as soon as backward has finished its first layer, the
    /// pending ones are tested between layers (Open MPI progresses them only inside MPI calls), and all are
    /// awaited before returning; buckets backward did not report (and the last one) are reduced by `finish`.
    /// Returns the seconds spent communicating after backward.
    public func backwardAndAllReduce<Scalar: TrainingScalar>(
        into gradient: inout ParameterBuffer<Scalar>, communicator: any Communicator, backward: Backward<Scalar>
    ) throws -> Double {
        guard communicator.size > 1 else {
            gradient.values.withUnsafeMutableBufferPointer { backward($0) { _ in } }
            return 0
        }
        return try gradient.values.withUnsafeMutableBufferPointer { g in
            var pending = [any PendingCollective]()
            var started = Set<Int>()
            var failure: (any Error)?
            backward(g) { layer in
                guard failure == nil else { return }
                do {
                    for (index, bucket) in buckets.enumerated()
                    where bucket.readyAfterLayer == layer && layer > firstLayer {
                        let part = UnsafeMutableBufferPointer(rebasing: g[bucket.range])
                        pending.append(try communicator.startAllReduce(part, .sum))
                        started.insert(index)
                    }
                    for collective in pending { _ = try collective.test() }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            let waitStart = DispatchTime.now().uptimeNanoseconds
            try finish(pending, lastBucketOf: g, communicator: communicator, started: started)
            return Double(DispatchTime.now().uptimeNanoseconds - waitStart) / 1e9
        }
    }

    /// `backwardAndAllReduce` for a network's backward pass (an `MLP` or a layer stack).
    public func backwardAndAllReduce<Scalar: TrainingScalar, Network: TrainableNetwork<Scalar>>(
        _ model: Network, _ pass: Network.Pass, dOutput: Matrix<Scalar>,
        into gradient: inout ParameterBuffer<Scalar>, communicator: any Communicator
    ) throws -> Double {
        try backwardAndAllReduce(into: &gradient, communicator: communicator) { g, layerCompleted in
            model.backpropagate(pass, dOutput: dOutput, into: g, layerCompleted: layerCompleted)
        }
    }

    /// The all-reduce alone, on a gradient that is already computed, issued as `backwardAndAllReduce` issues
    /// it: what the gradient all-reduce costs when there is nothing to overlap.
    public func allReduce<Scalar: TrainingScalar>(
        _ g: UnsafeMutableBufferPointer<Scalar>, communicator: any Communicator
    ) throws {
        var pending = [any PendingCollective]()
        var started = Set<Int>()
        for (index, bucket) in buckets.enumerated() where bucket.readyAfterLayer > firstLayer {
            pending.append(try communicator.startAllReduce(UnsafeMutableBufferPointer(rebasing: g[bucket.range]), .sum))
            started.insert(index)
        }
        try finish(pending, lastBucketOf: g, communicator: communicator, started: started)
    }

    /// Waits for the started buckets, then reduces the others (the last one is ready only when backward is
    /// over, so there is nothing left to overlap it with) with blocking all-reduces on the calling thread,
    /// in bucket order. Only then: two
    /// threads inside Open MPI at once slow each other down badly (a 7.5 MB reduction measured 4 times
    /// slower), and the hand-off to the collective thread costs a few percent of the reduction.
    func finish<Scalar: TrainingScalar>(
        _ pending: [any PendingCollective], lastBucketOf g: UnsafeMutableBufferPointer<Scalar>,
        communicator: any Communicator, started: Set<Int>
    ) throws {
        for collective in pending { try collective.wait() }
        for (index, bucket) in buckets.enumerated() where !started.contains(index) {
            try communicator.allReduce(UnsafeMutableBufferPointer(rebasing: g[bucket.range]), .sum)
        }
    }
}

extension StepContext {
    /// The first half of a data-parallel step: `model` forward on this rank's share into `pass`, the loss
    /// with its gradient `(1/globalBatch)·∂(Σ_n ℓ_n)/∂f` into `dOutput` (reallocated only when the batch's
    /// shape changes: the loss overwrites every element), and `checkLocalLoss`. Returns this rank's loss.
    public func forwardAndLoss<Scalar: TrainingScalar, Network: TrainableNetwork<Scalar>>(
        _ model: Network, inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, loss: Loss,
        pass: inout Network.Pass, dOutput: inout Matrix<Scalar>?
    ) throws -> LossSummary {
        model.forward(inputs, into: &pass)
        let outputs = model.outputCount
        if dOutput?.rows != inputs.rows || dOutput?.columns != outputs {
            dOutput = Matrix(rows: inputs.rows, columns: outputs)
        }
        let local = loss.evaluate(
            outputs: pass.output, targets: targets, scale: 1 / Double(globalBatch), gradient: &dOutput)
        try checkLocalLoss(local)
        return local
    }
}

extension GradientBuckets {
    /// A data-parallel step up to the update: `StepContext.forwardAndLoss`, then `backwardAndSum`. Returns
    /// this rank's loss, where the summed gradient is and the seconds spent communicating after backward.
    public func lossAndSummedGradient<Scalar: TrainingScalar, Network: TrainableNetwork<Scalar>>(
        _ model: Network, inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, loss: Loss,
        context: StepContext, pass: inout Network.Pass, dOutput: inout Matrix<Scalar>?,
        gradient: inout ParameterBuffer<Scalar>
    ) throws -> (local: LossSummary, gradient: SummedGradient<Scalar>, waited: Double) {
        let local = try context.forwardAndLoss(
            model, inputs: inputs, targets: targets, loss: loss, pass: &pass, dOutput: &dOutput)
        let summed = try backwardAndSum(
            model, pass, dOutput: dOutput!, into: &gradient, communicator: context.communicator)
        return (local, summed.gradient, summed.waited)
    }
}
