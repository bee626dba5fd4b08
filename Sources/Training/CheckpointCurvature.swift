import Checkpoints
public import Cluster
import Configuration
import Curvature
import Datasets
public import Methods
import Networks
import Optimizers
import Tensors

/// `partita curvature`: the partition tensors of a checkpoint's model along a direction, and the per-subset
/// learning rates they imply: a per-layer learning-rate probe.
public enum CheckpointCurvature {
    public struct Result: Sendable {
        public let subsets: [String]
        public let samples: Int
        public let gBar: [Double]
        public let hBar: [Double]
        public let d3: [Double]
        /// η of the order-2 step, or nil with the reason.
        public let orderTwo: Swift.Result<[Double], GroupedNewtonSolver.Failure>
        /// η of the order-3 step for λ_int, or nil with the reason.
        public let orderThree: Swift.Result<[Double], GroupedNewtonSolver.Failure>
        public let lambda: Double
    }

    public enum Direction: String, CaseIterable, Sendable {
        case gradient, momentum, adam
    }

    /// - Parameters:
    ///   - split: `train` or `validation` rows of the checkpoint's data (or `test`).
    ///   - samples: how many of them (the first ones of a seeded permutation; 0: all), split across ranks.
    public static func run(
        checkpointPath: String, split: CheckpointEvaluation.Split, samples: Int, partition kind: String, groups: String,
        direction: Direction, lambda: Double, dataOverrides: [String], communicator: any Communicator
    ) throws -> Result {
        let checkpoint = try CheckpointFile.read(path: checkpointPath)
        var config = checkpoint.config
        try ConfigLoader.apply(overrides: dataOverrides, to: &config)
        try ConfigLoader.apply(
            overrides: ["optimizer.gn_partition=\(kind)", "optimizer.gn_groups=\(groups)"], to: &config)
        let data = try DataPipeline.prepare(config)
        return checkpoint.dtype == Double.dtypeName
            ? try compute(Double.self, checkpoint, config, data, split, samples, direction, lambda, communicator)
            : try compute(Float.self, checkpoint, config, data, split, samples, direction, lambda, communicator)
    }

    static func compute<Scalar: TrainingScalar>(
        _ type: Scalar.Type, _ checkpoint: CheckpointFile, _ config: ResolvedConfig, _ data: PreparedData,
        _ split: CheckpointEvaluation.Split, _ samples: Int, _ direction: Direction, _ lambda: Double,
        _ communicator: any Communicator
    ) throws -> Result {
        let settings = try config.typed()
        let architecture = try ModelFactory.architecture(settings, data: data)
        let model = MLP(
            architecture, parameters: try checkpoint.parameters(layout: architecture.layout, as: Scalar.self))
        let loss = try ModelFactory.loss(settings, task: data.task)
        let partition = try MethodFactory.partition(
            try config.settings(GroupedNewtonSettings.self, section: "optimizer"), layout: model.layout)
        let (dataset, rows): (Dataset, [Int]) =
            switch split {
            case .train: (data.source, data.trainRows)
            case .validation: (data.source, data.validationRows)
            case .test: (data.test ?? data.source, data.test.map { Array(0..<$0.count) } ?? [])
            }
        guard !rows.isEmpty else {
            throw ConfigError(location: "--data", message: "the \(split.rawValue) split is empty")
        }
        var stream = RandomStream(seed: UInt64(settings.run.seed), key: .curvatureBatch.with(index: 0))
        let chosen = Array(stream.permutation(rows.count).prefix(samples > 0 ? samples : rows.count)).map { rows[$0] }
        let mine = stride(from: communicator.rank, to: chosen.count, by: communicator.size).map { chosen[$0] }
        let scale = 1 / Double(chosen.count)

        // The direction: the gradient on the chosen samples (all-reduced), through the requested updater,
        // starting from the checkpoint's own moments when it has them.
        var gradient = [Double](repeating: 0, count: model.layout.count)
        var pass = ForwardPass<Scalar>()
        if !mine.isEmpty {
            let (inputs, targets) = data.batch(dataset, rows: mine, as: Scalar.self)
            model.forward(inputs, into: &pass)
            var dOutput: Matrix<Scalar>? = Matrix(rows: mine.count, columns: architecture.outputs)
            _ = loss.evaluate(outputs: pass.output, targets: targets, scale: scale, gradient: &dOutput)
            var g = ParameterBuffer<Scalar>(layout: model.layout)
            model.backward(pass, dOutput: dOutput!, into: &g)
            gradient = g.values.map(Double.init)
        }
        try communicator.allReduce(&gradient, .sum)
        let (_, saved) = try checkpoint.optimizerState(layout: model.layout, as: Scalar.self)
        let u = try Self.direction(
            direction, gradient: gradient.map { Scalar($0) }, saved: saved, optimizer: settings.optimizer)

        var tensors = PartitionTensors(zeros: partition.count)
        if !mine.isEmpty {
            let (inputs, targets) = data.batch(dataset, rows: mine, as: Scalar.self)
            tensors = PartitionTensors.compute(
                model: model, input: inputs, targets: targets, loss: loss, scale: scale, direction: u,
                partition: partition)
        }
        var flat = tensors.flattened
        try communicator.allReduce(&flat, .sum)
        tensors = PartitionTensors(flattened: flat, count: partition.count)
        let two = Swift.Result { () throws(GroupedNewtonSolver.Failure) in
            try GroupedNewtonSolver.orderTwo(gBar: tensors.gBar, hBar: tensors.hBar)
        }
        let three = Swift.Result { () throws(GroupedNewtonSolver.Failure) in
            try GroupedNewtonSolver.orderThree(gBar: tensors.gBar, hBar: tensors.hBar, d3: tensors.d3, lambda: lambda)
                .eta
        }
        return Result(
            subsets: partition.subsets.map(\.name), samples: chosen.count, gBar: tensors.gBar, hBar: tensors.hBar,
            d3: tensors.d3, orderTwo: two, orderThree: three, lambda: lambda)
    }

    /// u for the requested updater: the gradient; μ·b + g with the checkpoint's momentum b (or g alone); or
    /// the Adam step from the checkpoint's moments (or from zero moments).
    static func direction<Scalar: TrainingScalar>(
        _ direction: Direction, gradient g: [Scalar], saved: OptimizerState<Scalar>, optimizer: OptimizerSettings
    ) throws -> [Scalar] {
        switch direction {
        case .gradient:
            return g
        case .momentum:
            guard let buffer = saved.buffers["momentum"] ?? saved.buffers["direction_m"], buffer.count == g.count else {
                return g
            }
            let mu = Scalar(optimizer.momentum)
            return zip(buffer, g).map { mu * $0 + $1 }
        case .adam:
            var updater = DirectionUpdater<Scalar>(
                .adam(
                    beta1: optimizer.beta1, beta2: optimizer.beta2, epsilon: optimizer.epsilon))
            if let m = saved.buffers["exp_avg"], let v = saved.buffers["exp_avg_sq"],
                let steps = saved.counters["steps"]
            {
                try updater.restore(
                    OptimizerState(buffers: ["direction_m": m, "direction_v": v], counters: ["direction_steps": steps]))
            }
            return g.withUnsafeBufferPointer { updater.propose($0) }
        }
    }
}
