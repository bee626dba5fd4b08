public import Curvature
import Foundation
public import Optimizers
import Tensors

/// The grouped Newton method's learning rates (Wolinski 2025; methods.md §3.3), as a state machine fed with
/// the partition tensors at each refresh and with the training loss at each epoch's end. It owns none of
/// the model: the caller computes the tensors (all-reduced), applies `rates` to its direction, and stores
/// `state` in checkpoints. Every rank holds the same state and computes the same rates bit for bit.
///
/// At a refresh: the tensors used are the latest ones, or with `uniformAveragePeriod` p > 0 the uniform
/// average "use" (every p refreshes, use ← up and up restarts from the current tensors; during the first
/// `warmup` refreshes nothing is trained). Then η comes from `GroupedNewtonSolver` (order 2, or the
/// cubic-regularized order 3 with D = |D3|^{1/3}), and is post-processed in order: moving average
/// `curr ← r·curr + (1 − r)·η` (r = `movingAverage`, 0 at the first refresh), removal of negative rates
/// (`removeNegative`, applied after the average), and the damping: `rate_s = damping·curr_s`. When the solve
/// fails the rates are 0 for that refresh, or with the uniform average the previous ones are kept.
/// Damping on plateau: at each epoch's end, when the training loss has not improved by a relative
/// `plateauThreshold` for more than `plateauPatience` epochs, the damping is multiplied by `plateauFactor`.
public struct GroupedNewton: Sendable {
    public struct Settings: Sendable {
        public var order: Int = 3
        public var lambda: Double = 1
        public var ridge: Double = 0
        public var damping: Double = 0.1
        public var movingAverage: Double = 0
        public var removeNegative = true
        public var uniformAveragePeriod = 0
        public var warmup = 0
        public var plateauPatience = 2
        public var plateauFactor = 0.5
        public var plateauThreshold = 1e-4

        public init() {}
    }

    public let settings: Settings
    public let subsets: Int
    /// The rates applied to each subset until the next refresh.
    public private(set) var rates: [Double]
    /// The last raw step η (before post-processing) and whether it came from a successful solve.
    public private(set) var lastEta: [Double]
    public private(set) var lastFailure: GroupedNewtonSolver.Failure?
    public private(set) var damping: Double
    public private(set) var refreshes = 0
    private var average: [Double]
    private var useSum: [Double]
    private var useCount = 0
    private var upSum: [Double]
    private var upCount = 0
    private var bestLoss = Double.infinity
    private var badEpochs = 0

    public init(subsets: Int, settings: Settings) throws(OptimizerError) {
        try OptimizerError.require(
            settings.order == 2 || settings.order == 3, "gn_order", Double(settings.order), "2 or 3")
        try OptimizerError.require(settings.lambda >= 0, "gn_lambda", settings.lambda, ">= 0")
        try OptimizerError.require(settings.damping > 0, "gn_damping", settings.damping, "positive")
        try OptimizerError.require(
            settings.movingAverage >= 0 && settings.movingAverage < 1, "gn_moving_average", settings.movingAverage,
            "in [0, 1)")
        try OptimizerError.require(
            settings.plateauFactor > 0 && settings.plateauFactor <= 1, "gn_plateau_factor", settings.plateauFactor,
            "in (0, 1]")
        self.settings = settings
        self.subsets = subsets
        rates = [Double](repeating: 0, count: subsets)
        lastEta = rates
        average = rates
        damping = settings.damping
        let size = subsets * subsets + 2 * subsets
        useSum = [Double](repeating: 0, count: size)
        upSum = useSum
    }

    /// Whether the parameters are trained yet (false during the uniform average's warm-up).
    public var isTraining: Bool { settings.uniformAveragePeriod == 0 || refreshes > settings.warmup }

    /// Takes the (all-reduced) partition tensors of a refresh and sets `rates`.
    public mutating func refresh(_ tensors: PartitionTensors) {
        precondition(tensors.count == subsets, "GroupedNewton: \(tensors.count) tensors for \(subsets) subsets")
        let current = tensors.flattened
        var used = current
        if settings.uniformAveragePeriod > 0 {
            for i in current.indices {
                upSum[i] += current[i]
                useSum[i] += current[i]
            }
            upCount += 1
            useCount += 1
            if refreshes > 0 && refreshes % settings.uniformAveragePeriod == 0 {
                useSum = upSum
                useCount = upCount
                upSum = current
                upCount = 1
            }
            used = useSum.map { $0 / Double(useCount) }
        }
        refreshes += 1
        let averaged = PartitionTensors(flattened: used, count: subsets)
        let (g, h, d) = (averaged.gBar, averaged.hBar, averaged.d3)
        do throws(GroupedNewtonSolver.Failure) {
            let eta =
                settings.order == 2
                ? try GroupedNewtonSolver.orderTwo(gBar: g, hBar: h, ridge: settings.ridge)
                : try GroupedNewtonSolver.orderThree(gBar: g, hBar: h, d3: d, lambda: settings.lambda).eta
            lastEta = eta
            lastFailure = nil
            let r = refreshes == 1 ? 0 : settings.movingAverage
            for i in 0..<subsets { average[i] = r * average[i] + (1 - r) * eta[i] }
            rates = average.map { damping * (settings.removeNegative ? max($0, 0) : $0) }
        } catch {
            lastFailure = error
            if settings.uniformAveragePeriod == 0 { rates = [Double](repeating: 0, count: subsets) }
        }
    }

    /// Damping on plateau, once per epoch with the epoch's training loss.
    public mutating func epochEnded(trainingLoss: Double) {
        guard settings.plateauPatience >= 0, trainingLoss.isFinite else { return }
        if trainingLoss < bestLoss * (1 - settings.plateauThreshold) {
            bestLoss = trainingLoss
            badEpochs = 0
        } else {
            badEpochs += 1
            if badEpochs > settings.plateauPatience {
                damping *= settings.plateauFactor
                rates = rates.map { $0 * settings.plateauFactor }
                badEpochs = 0
            }
        }
    }

    /// Everything a checkpoint needs to continue exactly.
    public var vectors: [String: [Double]] {
        [
            "gn_rates": rates, "gn_last_eta": lastEta, "gn_average": average, "gn_use_sum": useSum, "gn_up_sum": upSum,
            "gn_scalars": [damping, Double(refreshes), Double(useCount), Double(upCount), bestLoss, Double(badEpochs)],
        ]
    }

    public mutating func restore(_ vectors: [String: [Double]]) throws(OptimizerError) {
        let state = OptimizerState<Double>(vectors: vectors)
        let s = subsets
        rates = try state.vector("gn_rates", count: s)
        lastEta = try state.vector("gn_last_eta", count: s)
        average = try state.vector("gn_average", count: s)
        useSum = try state.vector("gn_use_sum", count: s * s + 2 * s)
        upSum = try state.vector("gn_up_sum", count: s * s + 2 * s)
        let scalars = try state.vector("gn_scalars", count: 6)
        damping = scalars[0]
        refreshes = Int(scalars[1])
        useCount = Int(scalars[2])
        upCount = Int(scalars[3])
        bestLoss = scalars[4]
        badEpochs = Int(scalars[5])
    }
}
