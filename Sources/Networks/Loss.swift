import RealModule
public import Tensors

/// What a loss compares the network's output with.
public enum LossTargets<Scalar: BLASScalar>: Sendable {
    /// One class index per sample, in 0..<outputs.
    case classes([Int32])
    /// One target row per sample, `(batch, outputs)`.
    case values(Matrix<Scalar>)

    public var count: Int {
        switch self {
        case .classes(let labels): labels.count
        case .values(let matrix): matrix.rows
        }
    }
}

/// The sum of per-sample losses over a batch, and for classification the number of correct argmax
/// predictions. Sums (not means) so that shards on several ranks can be added exactly.
public struct LossSummary: Sendable, Equatable {
    public var lossSum: Double
    public var correct: Int
    public var count: Int

    public init(lossSum: Double = 0, correct: Int = 0, count: Int = 0) {
        self.lossSum = lossSum
        self.correct = correct
        self.count = count
    }

    public var meanLoss: Double { count == 0 ? .nan : lossSum / Double(count) }
    public var accuracy: Double { count == 0 ? .nan : Double(correct) / Double(count) }

    public static func + (a: LossSummary, b: LossSummary) -> LossSummary {
        LossSummary(lossSum: a.lossSum + b.lossSum, correct: a.correct + b.correct, count: a.count + b.count)
    }
}

/// A per-sample loss ℓ(f, y) of the network output `f` (one row of `(batch, outputs)`).
///
/// Training minimizes the mean over the global batch, `L = (1/N)·Σ_n ℓ(f_n, y_n)`.
public enum Loss: Hashable, Sendable {
    /// `ℓ = logsumexp(f) − f_y`; `∂ℓ/∂f = softmax(f) − onehot(y)`.
    case softmaxCrossEntropy
    /// `ℓ = ½‖f − y‖²`; `∂ℓ/∂f = f − y`.
    case halfSquaredError
    /// The Gaussian negative log-likelihood with fixed variance σ²:
    /// `ℓ = ‖f − y‖²/(2σ²) + (d/2)·ln(2πσ²)` with d outputs; `∂ℓ/∂f = (f − y)/σ²`.
    case gaussianNLL(variance: Double)

    /// The names accepted in configs.
    public static let names = ["cross-entropy", "half-mse", "gaussian-nll"]

    public var name: String {
        switch self {
        case .softmaxCrossEntropy: "cross-entropy"
        case .halfSquaredError: "half-mse"
        case .gaussianNLL: "gaussian-nll"
        }
    }

    /// Whether the loss takes class labels (and accuracy is meaningful).
    public var isClassification: Bool { self == .softmaxCrossEntropy }

    /// Evaluates the loss on `outputs (batch, outputs)`, without its gradient.
    ///
    /// - Returns: the sum of per-sample losses (accumulated in Double) and the correct-prediction count.
    public func evaluate<Scalar: BLASScalar>(outputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> LossSummary {
        var none: Matrix<Scalar>? = nil
        return evaluate(outputs: outputs, targets: targets, scale: 1, gradient: &none)
    }

    /// softmax of row n of `f`, in Double: `exp(f_i − max f) / Σ_j exp(f_j − max f)`.
    public static func softmax<Scalar: BLASScalar>(_ f: Matrix<Scalar>, row n: Int) -> [Double] {
        var maxValue = -Double.infinity
        for i in 0..<f.columns { maxValue = max(maxValue, Double(f[n, i])) }
        var exps = (0..<f.columns).map { Double.exp(Double(f[n, $0]) - maxValue) }
        let sum = exps.reduce(0, +)
        for i in exps.indices { exps[i] /= sum }
        return exps
    }

    /// As `evaluate(outputs:targets:)`, also writing `scale·∂(Σ_n ℓ_n)/∂f` into `gradient` when it is non-nil
    /// (it must then have the shape of `outputs`). With `scale = 1/N` for a global batch of N samples it is
    /// the gradient of the mean loss, whatever part of the batch this process holds.
    public func evaluate<Scalar: BLASScalar>(
        outputs: Matrix<Scalar>, targets: LossTargets<Scalar>, scale: Double, gradient: inout Matrix<Scalar>?
    ) -> LossSummary {
        let (batch, width) = (outputs.rows, outputs.columns)
        precondition(targets.count == batch, "Loss: \(batch) outputs, \(targets.count) targets")
        if let gradient {
            precondition(
                gradient.rows == batch && gradient.columns == width,
                "Loss: gradient is \(gradient.shapeDescription), outputs are \(outputs.shapeDescription)")
        }
        var summary = LossSummary(count: batch)
        switch (self, targets) {
        case (.softmaxCrossEntropy, .classes(let labels)):
            for n in 0..<batch {
                let label = Int(labels[n])
                precondition(label >= 0 && label < width, "Loss: label \(label) outside 0..<\(width)")
                var maxValue = -Double.infinity
                var argmax = 0
                for k in 0..<width where Double(outputs[n, k]) > maxValue {
                    maxValue = Double(outputs[n, k])
                    argmax = k
                }
                var sumExp = 0.0
                for k in 0..<width { sumExp += Double.exp(Double(outputs[n, k]) - maxValue) }
                let logSumExp = maxValue + Double.log(sumExp)
                summary.lossSum += logSumExp - Double(outputs[n, label])
                if argmax == label { summary.correct += 1 }
                if gradient != nil {
                    for k in 0..<width {
                        let p = Double.exp(Double(outputs[n, k]) - logSumExp)
                        gradient![n, k] = Scalar(scale * (p - (k == label ? 1 : 0)))
                    }
                }
            }
        case (.halfSquaredError, .values(let y)), (.gaussianNLL, .values(let y)):
            precondition(
                y.columns == width, "Loss: targets are \(y.shapeDescription), outputs \(outputs.shapeDescription)")
            var inverseVariance = 1.0
            if case .gaussianNLL(let variance) = self {
                inverseVariance = 1 / variance
                summary.lossSum += Double(batch * width) / 2 * Double.log(2 * Double.pi * variance)
            }
            for i in 0..<(batch * width) {
                let residual = Double(outputs.storage[i]) - Double(y.storage[i])
                summary.lossSum += 0.5 * inverseVariance * residual * residual
                if gradient != nil { gradient!.storage[i] = Scalar(scale * inverseVariance * residual) }
            }
        default:
            preconditionFailure("Loss: \(name) does not take \(targets.kindDescription) targets")
        }
        return summary
    }
}

extension LossTargets {
    var kindDescription: String {
        switch self {
        case .classes: "class-label"
        case .values: "real-valued"
        }
    }
}
