public import Cluster
import Datasets
public import Tensors

/// The expected calibration error of a classifier (Guo et al. 2017): predictions are binned by their
/// confidence (the largest class probability) into equal-width bins, and
/// `ECE = Σ_b (n_b/N)·|accuracy_b − confidence_b|`. The per-bin sums are all-reduced across ranks.
public struct Calibration: Sendable {
    public static let binCount = 15
    /// Per bin: count, sum of confidences, correct predictions.
    public private(set) var bins: [Double]

    public init() {
        bins = [Double](repeating: 0, count: 3 * Self.binCount)
    }

    public mutating func add(probabilities: Matrix<Double>, labels: [Int32]) {
        for n in 0..<probabilities.rows {
            var best = 0
            for o in 1..<probabilities.columns where probabilities[n, o] > probabilities[n, best] { best = o }
            let confidence = probabilities[n, best]
            let bin = min(Int(confidence * Double(Self.binCount)), Self.binCount - 1)
            bins[3 * bin] += 1
            bins[3 * bin + 1] += confidence
            if best == Int(labels[n]) { bins[3 * bin + 2] += 1 }
        }
    }

    public mutating func allReduce(_ communicator: any Communicator) throws {
        try communicator.allReduce(&bins, .sum)
    }

    /// The mean of the confidences: compared with the accuracy it tells over- from underconfidence.
    public var meanConfidence: Double {
        let total = stride(from: 0, to: bins.count, by: 3).reduce(0.0) { $0 + bins[$1] }
        let confidence = stride(from: 1, to: bins.count, by: 3).reduce(0.0) { $0 + bins[$1] }
        return total > 0 ? confidence / total : .nan
    }

    public var expectedCalibrationError: Double {
        let total = stride(from: 0, to: bins.count, by: 3).reduce(0.0) { $0 + bins[$1] }
        guard total > 0 else { return .nan }
        var error = 0.0
        for b in 0..<Self.binCount where bins[3 * b] > 0 {
            error += abs(bins[3 * b + 2] - bins[3 * b + 1]) / total
        }
        return error
    }
}
