public import Cluster
import Configuration
import Curvature
import Datasets
import Foundation
import Networks
import Optimizers
import Tensors

/// The teacher-student study of Arbel, Menegaux and Wolinski (methods.md §4), scaled to a CPU: train the
/// mean-field student on data from a small teacher with Gauss-Newton or gradient descent until the loss has
/// dropped by `tolerance` (or for `maxIterations`), logging §4.4's metrics; then refit the output weights on
/// the learned features (the hidden-learning probe). The random-features baseline fits the output weights
/// on the initial features instead. Hidden units are sharded across ranks.
public enum MeanFieldStudy {
    public struct Settings: Sendable {
        public var method = "gn"
        public var hidden = 500
        public var std = 0.1
        public var learningRate = 10.0
        public var maxIterations = 2000
        public var tolerance = 1e-8
        public var trainCount = 100
        public var testCount = 2000
        public var inputDimension = 10
        public var teacherWidth = 5
        public var activation = "silu"
        public var seed: UInt64 = 1
        public var logEvery = 10

        public init() {}
    }

    public struct Summary: Sendable {
        public let method: String
        public let iterations: Int
        public let initialLoss: Double
        public let trainLoss: Double
        public let testLoss: Double
        public let reachedTolerance: Bool
        public let weightedDistance: Double
        public let refitTrainLoss: Double
        public let refitTestLoss: Double
        public let seconds: Double
    }

    /// Runs the study. `record` receives the metrics lines (on the coordinator they go to metrics.jsonl).
    /// `parameters` receives the final parameters of every unit, gathered at rank 0 (H rows of w, b, v).
    public static func run(
        _ settings: Settings, communicator: any Communicator, record: (JSONLine) throws -> Void,
        parameters: ([[Double]]) throws -> Void = { _ in }
    ) throws -> Summary {
        let started = Date()
        guard ["gn", "gd", "random-features"].contains(settings.method) else {
            throw ConfigError(location: "--method", message: "must be gn, gd or random-features")
        }
        guard settings.hidden >= communicator.size else {
            throw ConfigError(
                location: "--hidden", message: "\(settings.hidden) units cannot be shared by \(communicator.size) ranks"
            )
        }
        let activation: TeacherStudent.Activation = settings.activation == "relu" ? .relu : .silu
        let problem = TeacherStudent.generate(
            inputDimension: settings.inputDimension, teacherWidth: settings.teacherWidth, activation: activation,
            trainCount: settings.trainCount, testCount: settings.testCount, seed: settings.seed)
        let (x, y) = Self.matrices(problem.train)
        let (testX, testY) = Self.matrices(problem.test)
        // Balanced shards: rank r owns units [r·H/size, (r + 1)·H/size).
        let (rank, size) = (communicator.rank, communicator.size)
        let units = (rank * settings.hidden / size)..<((rank + 1) * settings.hidden / size)
        let network = MeanFieldNetwork(
            totalWidth: settings.hidden, units: units, inputs: settings.inputDimension,
            activation: activation == .relu ? .relu : .silu, std: settings.std, seed: settings.seed)
        let solver = MeanFieldGaussNewton(
            network: network, x: x, y: y, method: settings.method == "gd" ? .gradientDescent : .gaussNewton,
            learningRate: settings.learningRate, communicator: communicator)

        let initialLoss = MeanFieldGaussNewton.loss(try solver.predict(x), y)
        var iterations = 0
        var trainLoss = initialLoss
        if settings.method == "random-features" {
            try solver.refitOutputWeights()
        } else {
            while iterations < settings.maxIterations && trainLoss > settings.tolerance * initialLoss {
                let logging = iterations % settings.logEvery == 0
                let metrics = try solver.step(withSpectrum: logging)
                trainLoss = metrics.trainLoss
                if logging {
                    try record(
                        Self.line(
                            step: iterations, metrics: metrics,
                            testLoss: MeanFieldGaussNewton.loss(try solver.predict(testX), testY),
                            distance: try solver.weightedDistance(teacher: problem.teacher.inputWeights)))
                }
                iterations += 1
            }
        }
        let finalTrain = MeanFieldGaussNewton.loss(try solver.predict(x), y)
        let finalTest = MeanFieldGaussNewton.loss(try solver.predict(testX), testY)
        let distance = try solver.weightedDistance(teacher: problem.teacher.inputWeights)
        try parameters(try gatherParameters(solver.network, communicator))
        // The hidden-learning probe: refit v from scratch on the learned features.
        try solver.refitOutputWeights()
        let refitTrain = MeanFieldGaussNewton.loss(try solver.predict(x), y)
        let refitTest = MeanFieldGaussNewton.loss(try solver.predict(testX), testY)
        let summary = Summary(
            method: settings.method, iterations: iterations, initialLoss: initialLoss, trainLoss: finalTrain,
            testLoss: finalTest, reachedTolerance: finalTrain <= settings.tolerance * initialLoss,
            weightedDistance: distance, refitTrainLoss: refitTrain, refitTestLoss: refitTest,
            seconds: Date().timeIntervalSince(started))
        var last = JSONLine()
        last.add("step", iterations)
        last.add("split", "gauss-newton-summary")
        last.add("method", settings.method)
        last.add("train_loss", finalTrain)
        last.add("test_loss", finalTest)
        last.add("initial_loss", initialLoss)
        last.add("reached_tolerance", summary.reachedTolerance)
        last.add("weighted_distance", distance)
        last.add("refit_train_loss", refitTrain)
        last.add("refit_test_loss", refitTest)
        try record(last)
        return summary
    }

    static func line(step: Int, metrics: MeanFieldGaussNewton.Metrics, testLoss: Double, distance: Double) -> JSONLine {
        var line = JSONLine()
        line.add("step", step)
        line.add("split", "gauss-newton")
        line.add("train_loss", metrics.trainLoss)
        line.add("test_loss", testLoss)
        line.add("sigma_min", metrics.sigmaMin)
        line.add("sigma_max", metrics.sigmaMax)
        if let low = metrics.sigmaMin, let high = metrics.sigmaMax { line.add("condition", low > 0 ? high / low : nil) }
        line.add("weighted_distance", distance)
        line.add("norm_grad", metrics.normGrad)
        line.add("step_norm", metrics.stepNorm)
        return line
    }

    static func matrices(_ dataset: Dataset) -> (Matrix<Double>, [Double]) {
        let x = dataset.features.gathered(rows: Array(0..<dataset.count), normalization: .none, as: Double.self)
        guard case .values(let targets) = dataset.targets else { preconditionFailure("teacher-student gives values") }
        return (x, targets.storage)
    }

    /// Every unit's `[w…, b, v]`, in unit order, at rank 0 (empty elsewhere).
    static func gatherParameters(_ network: MeanFieldNetwork, _ communicator: any Communicator) throws -> [[Double]] {
        var mine = [Double]()
        for u in 0..<network.width { mine += network.w.row(u) + [network.b[u], network.v[u]] }
        let bytes = mine.withUnsafeBytes { Array($0) }
        let gathered = try communicator.gather(bytes, root: 0)
        let width = network.inputs + 2
        return gathered.flatMap { payload -> [[Double]] in
            let values = payload.withUnsafeBytes { raw in
                (0..<(raw.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
            }
            return stride(from: 0, to: values.count, by: width).map { Array(values[$0..<($0 + width)]) }
        }
    }
}
