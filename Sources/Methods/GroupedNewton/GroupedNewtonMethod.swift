public import Cluster
import Curvature
import Datasets
import Foundation
public import Networks
public import Optimizers
public import Tensors

/// The grouped Newton method (Wolinski 2025; methods.md §3): one learning rate per subset of a partition
/// of the parameters, from a Newton step on the partition tensors, regularized at order 3.
///
/// Each step: the data-parallel gradient (as plain training), the direction u an updater proposes from it
/// (the gradient, the momentum-SGD step or the Adam step at rate 1), and the update `θ_p ← θ_p − rate_s·u_p`
/// for p in subset s. Every `period` steps the rates are refreshed: ḡ, H̄ and D3 along the current u are
/// computed on a separate batch (each rank on its strided share), summed over ranks with one all-reduce of
/// S² + 2S numbers, and turned into rates by `GroupedNewton`, identically on every rank.
public final class GroupedNewtonMethod<Scalar: TrainingScalar>: PlainModelMethod {
    public private(set) var model: MLP<Scalar>
    public let loss: Loss
    public let partition: Partition
    public let period: Int
    /// Samples of a refresh over all ranks.
    public let curvatureBatch: Int
    public private(set) var newton: GroupedNewton
    private var updater: DirectionUpdater<Scalar>
    private let data: PreparedData
    private let seed: UInt64
    private let subsetOfParameter: [Int]
    private let buckets: GradientBuckets
    private var gradient: ParameterBuffer<Scalar>
    private var pass = ForwardPass<Scalar>()
    private var dOutput: Matrix<Scalar>?
    private var pendingRecords: [JSONLine] = []

    public init(
        model: MLP<Scalar>, loss: Loss, partition: Partition, direction: DirectionUpdater<Scalar>.Kind,
        settings: GroupedNewton.Settings, period: Int, curvatureBatch: Int, data: PreparedData, seed: UInt64,
        bucketBytes: Int, sharedMemory: Bool = false
    ) throws {
        self.model = model
        self.loss = loss
        self.partition = partition
        self.period = period
        self.curvatureBatch = curvatureBatch
        self.data = data
        self.seed = seed
        newton = try GroupedNewton(subsets: partition.count, settings: settings)
        updater = DirectionUpdater(direction)
        subsetOfParameter = partition.subsetIndexPerParameter(count: model.layout.count)
        buckets = GradientBuckets(
            layout: model.layout, scalarBytes: MemoryLayout<Scalar>.size, bucketBytes: bucketBytes,
            sharedMemory: sharedMemory)
        gradient = ParameterBuffer(layout: model.layout)
    }

    public var name: String { "grouped-newton" }

    public var parameters: ParameterBuffer<Scalar> {
        get { model.parameters }
        set { model.parameters = newValue }
    }

    public private(set) var lastCommunicationSeconds = 0.0

    public func step(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, context: StepContext) throws -> LossSummary {
        let summed = try buckets.lossAndSummedGradient(
            model, inputs: inputs, targets: targets, loss: loss, context: context, pass: &pass, dOutput: &dOutput,
            gradient: &gradient)
        lastCommunicationSeconds = summed.waited
        let direction = summed.gradient.withValues(in: gradient) { updater.propose($0) }
        if context.step % period == 0 { try refresh(direction: direction, context: context) }
        if newton.isTraining {
            let rates = newton.rates.map { Scalar($0) }
            let owner = subsetOfParameter
            model.parameters.values.withUnsafeMutableBufferPointer { theta in
                for p in theta.indices { theta[p] -= rates[owner[p]] * direction[p] }
            }
        }
        return summed.local
    }

    /// ḡ, H̄, D3 along `direction` on this refresh's batch, all-reduced, then new rates.
    func refresh(direction: [Scalar], context: StepContext) throws {
        let communicator = context.communicator
        let index = context.step / period
        var stream = RandomStream(seed: seed, key: .curvatureBatch.with(index: index))
        let chosen = Array(stream.permutation(data.trainRows.count).prefix(curvatureBatch))
        let mine = stride(from: communicator.rank, to: chosen.count, by: communicator.size).map {
            data.trainRows[chosen[$0]]
        }
        var tensors = PartitionTensors(zeros: partition.count)
        if !mine.isEmpty {
            let (inputs, targets) = data.batch(data.source, rows: mine, as: Scalar.self)
            tensors = PartitionTensors.compute(
                model: model, input: inputs, targets: targets, loss: loss, scale: 1 / Double(chosen.count),
                direction: direction, partition: partition)
        }
        var flat = tensors.flattened
        try communicator.allReduce(&flat, .sum)
        tensors = PartitionTensors(flattened: flat, count: partition.count)
        newton.refresh(tensors)

        var line = JSONLine()
        line.add("step", context.step)
        line.add("split", "grouped-newton")
        line.add("subsets", raw: "[" + partition.subsets.map { JSONLine.quoted($0.name) }.joined(separator: ",") + "]")
        line.add("lr", raw: JSONLine.array(newton.rates))
        line.add("eta", raw: JSONLine.array(newton.lastEta))
        line.add("g_bar", raw: JSONLine.array(tensors.gBar))
        let s = partition.count
        line.add(
            "h_bar",
            raw: "["
                + (0..<s).map { JSONLine.array(Array(tensors.hBar[($0 * s)..<($0 * s + s)])) }.joined(separator: ",")
                + "]")
        line.add("d3", raw: JSONLine.array(tensors.d3))
        line.add("damping", newton.damping)
        line.add("solved", newton.lastFailure == nil)
        pendingRecords.append(line)
    }

    public func evaluate(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> LossSummary {
        model.forward(inputs, into: &pass)
        return loss.evaluate(outputs: pass.output, targets: targets)
    }

    public func epochEnded(trainingLoss: Double) {
        newton.epochEnded(trainingLoss: trainingLoss)
    }

    public func logRecords(step: Int) -> [JSONLine] {
        defer { pendingRecords.removeAll() }
        return pendingRecords
    }

    public var state: OptimizerState<Scalar> {
        var state = updater.state
        state.vectors = newton.vectors
        return state
    }

    public func restore(_ state: OptimizerState<Scalar>) throws {
        try updater.restore(state)
        try newton.restore(state.vectors)
    }
}
