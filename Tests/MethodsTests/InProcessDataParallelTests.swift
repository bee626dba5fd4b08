import Cluster
import Methods
import Networks
import Optimizers
import Tensors
import TestSupport
import Testing

/// The data-parallel step on `InProcessCluster` ranks: N ranks, each on its strided share of a global batch,
/// take the step one rank takes on the whole batch (the trainer's invariant, checked here without `mpirun`).
@Suite struct InProcessDataParallelTests {
    /// How the gradient is summed: `SharedSum` (one bucket, `train.allreduce: shared-memory`), one blocking
    /// all-reduce (`mpi`, one bucket), or one non-blocking all-reduce per layer started during backward.
    enum Path: String, CaseIterable, Sendable {
        case sharedMemory, oneAllReduce, perLayerBuckets
    }

    static let architecture = MLPArchitecture(sizes: [5, 8, 7, 3], activation: .tanh)
    static let globalBatch = 12
    static let steps = 5

    /// The global batch of `step`: `(globalBatch, 5)` inputs and classes, from a fixed seed.
    static func batch(_ step: Int) -> (inputs: Matrix<Double>, classes: [Int32]) {
        var stream = RandomStream(seed: 21, key: StreamKey.testing.with(index: step))
        let inputs = (0..<(globalBatch * 5)).map { _ in stream.normal() }
        let classes = (0..<globalBatch).map { _ in Int32(stream.integer(below: 3)) }
        return (Matrix(rows: globalBatch, columns: 5, storage: inputs), classes)
    }

    /// `steps` steps of `StandardMethod` on this rank's share (rows r, r + N, ... of each global batch, as
    /// `EpochSchedule` deals them, or `rows`); returns the parameters.
    static func train(
        optimizer: String, path: Path, communicator: any Communicator, rows: [Int]? = nil
    ) throws -> [Double] {
        let model = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1.1, sigmaB: 0.2), seed: 8)
        let update: any Optimizer<Double> =
            optimizer == "adam"
            ? try Adam<Double>(learningRate: 0.01) : try SGD<Double>(learningRate: 0.2, momentum: 0.9)
        let method = StandardMethod(
            model: model, optimizer: update, loss: .softmaxCrossEntropy, bucketBytes: path == .perLayerBuckets ? 1 : 0,
            sharedMemory: path == .sharedMemory)
        let rows = rows ?? Array(stride(from: communicator.rank, to: globalBatch, by: communicator.size))
        for step in 0..<steps {
            let (inputs, classes) = batch(step)
            var share = Matrix<Double>(rows: rows.count, columns: 5)
            for (i, row) in rows.enumerated() { for c in 0..<5 { share[i, c] = inputs[row, c] } }
            _ = try method.step(
                inputs: share, targets: .classes(rows.map { classes[$0] }),
                context: StepContext(
                    communicator: communicator, step: step, learningRate: optimizer == "adam" ? 0.01 : 0.2,
                    globalBatch: globalBatch, checkLocalLoss: { _ in }))
        }
        return method.parameters.values
    }

    /// SGD with momentum and Adam, each way of summing: 2 and 3 ranks end within 1e-10 relative (Double) of
    /// 1 rank with the whole batch after 5 steps (only the order of the gradient's sum differs), with
    /// bit-identical parameters on every rank. The parameters move (the comparison is not of initial values).
    @Test(arguments: ["sgd", "adam"], Path.allCases)
    func nRanksEqualOneRankWithTheWholeBatch(_ optimizer: String, _ path: Path) throws {
        let reference = try Self.train(optimizer: optimizer, path: path, communicator: SingleProcessCommunicator())
        let initial = MLP<Double>(Self.architecture, initialization: .gaussian(sigmaW: 1.1, sigmaB: 0.2), seed: 8)
        #expect(Tolerance.relativeError(reference, initial.parameters.values) > 1e-3)
        for ranks in [1, 2, 3] {
            let results = try InProcessCluster.run(ranks: ranks) { communicator in
                try Self.train(optimizer: optimizer, path: path, communicator: communicator)
            }
            let error = Tolerance.relativeError(results[0], reference)
            #expect(error < 1e-10, "\(ranks) ranks, \(optimizer), \(path): relative error \(error)")
            #expect(results.allSatisfy { $0 == results[0] }, "\(ranks) ranks hold different parameters")
        }
    }

    /// The gradient really is summed across ranks: one rank stepping on rank 0's share of two alone (what a
    /// step that forgot the sum would do) ends far from the reference, so the comparison above can fail.
    @Test func aShareAloneDiffers() throws {
        let reference = try Self.train(optimizer: "sgd", path: .oneAllReduce, communicator: SingleProcessCommunicator())
        let alone = try Self.train(
            optimizer: "sgd", path: .oneAllReduce, communicator: SingleProcessCommunicator(),
            rows: Array(stride(from: 0, to: Self.globalBatch, by: 2)))
        #expect(Tolerance.relativeError(alone, reference) > 1e-3)
    }
}
