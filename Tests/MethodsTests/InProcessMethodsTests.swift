import Cluster
import Configuration
import Methods
import Tensors
import TestSupport
import Testing
import Training

/// Every method's data-parallel step on `InProcessCluster` ranks: N ranks, each on its strided share of the
/// global batch (as `EpochSchedule` deals it), end where 1 rank with the whole batch ends (float64, 1e-10
/// relative), with identical parameters on every rank. The reference is the same method on one rank.
@Suite struct InProcessMethodsTests {
    static let globalBatch = 12
    static let steps = 12

    /// The config of `method` on a small generated classification set, in float64.
    static func config(_ method: String) throws -> ResolvedConfig {
        try ConfigLoader.load(
            path: nil,
            overrides: [
                "optimizer.name=\(method)", "model.dtype=float64", "model.hidden=[6, 5]", "model.activation=tanh",
                "data.name=gaussian-classes", "data.classes=3", "data.input_dim=4", "data.train_size=60",
                "data.test_size=0", "data.batch_size=\(globalBatch)", "optimizer.lr=0.05", "optimizer.gn_period=4",
                "optimizer.gn_batch_size=12", "optimizer.alrao_copies=3", "optimizer.ggn_cg_iterations=5",
                "optimizer.vi_eval_samples=2",
            ])
    }

    /// `steps` steps of `method` on this rank's share of consecutive global batches of the training rows.
    /// `share` overrides the rank's share (rank, ranks) of each global batch.
    static func train(
        _ method: String, communicator: any Communicator, share: (rank: Int, ranks: Int)? = nil
    ) throws -> [Double] {
        let config = try config(method)
        let data = try DataPipeline.prepare(config)
        let trained = try MethodFactory.method(config, data: data, as: Double.self)
        for step in 0..<steps {
            let global = (0..<globalBatch).map { data.trainRows[(step * globalBatch + $0) % data.trainRows.count] }
            let (rank, ranks) = share ?? (communicator.rank, communicator.size)
            let mine = stride(from: rank, to: globalBatch, by: ranks).map { global[$0] }
            let (inputs, targets) = data.batch(data.source, rows: mine, as: Double.self)
            _ = try trained.step(
                inputs: inputs, targets: targets,
                context: StepContext(
                    communicator: communicator, step: step, learningRate: 0.05, globalBatch: globalBatch,
                    checkLocalLoss: { _ in }))
        }
        return trained.parameters.values
    }

    @Test(arguments: ["alrao", "grouped-newton", "gauss-newton", "vi", "adam"])
    func nRanksEqualOneRankWithTheWholeBatch(_ method: String) throws {
        let reference = try Self.train(method, communicator: SingleProcessCommunicator())
        let config = try Self.config(method)
        let initial = try MethodFactory.method(config, data: try DataPipeline.prepare(config), as: Double.self)
        #expect(Tolerance.relativeError(reference, initial.parameters.values) > 1e-4, "\(method) did not move")
        for ranks in [1, 2, 3] {
            let results = try InProcessCluster.run(ranks: ranks) { communicator in
                try Self.train(method, communicator: communicator)
            }
            let error = Tolerance.relativeError(results[0], reference)
            #expect(error < 1e-10, "\(method) on \(ranks) ranks: relative error \(error)")
            #expect(results.allSatisfy { $0 == results[0] }, "\(method): \(ranks) ranks hold different parameters")
        }
    }

    /// The comparison can fail: one rank stepping on its share alone (a step that forgot the sum) ends far
    /// from the reference.
    @Test(arguments: ["alrao", "grouped-newton", "gauss-newton", "vi", "adam"])
    func aShareAloneDiffers(_ method: String) throws {
        let reference = try Self.train(method, communicator: SingleProcessCommunicator())
        let alone = try Self.train(method, communicator: SingleProcessCommunicator(), share: (0, 2))
        #expect(Tolerance.relativeError(alone, reference) > 1e-6, "\(method)")
    }
}
