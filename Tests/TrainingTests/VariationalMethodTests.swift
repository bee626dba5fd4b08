import Foundation
import Networks
import Optimizers
import Tensors
import TestSupport
import Testing
import Training

/// The variational method's predictive averaging and the calibration error, against closed forms.
@Suite struct VariationalMethodTests {
    /// A linear model (no hidden layer, identity output) has E_q[f(x; θ)] = f(x; μ) exactly, and the average
    /// of K samples deviates from it by N(0, Σ_p σ²·x_p²/K) per output (x_p including the bias's 1). With
    /// K = 4000 weight samples every output is within 5 of those standard deviations of f(x; μ).
    @Test func predictiveMeanOfALinearModelIsTheMeanModel() throws {
        let architecture = MLPArchitecture(sizes: [3, 2], activation: .identity)
        let model = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1, sigmaB: 0.5), seed: 3)
        let sigma = 0.3
        let method = try VariationalMethod(
            model: model, loss: .halfSquaredError, priors: [.gaussian(variance: 1), .gaussian(variance: 1)],
            initialStd: sigma, trainingSamples: 100, evalSamples: 4000, seed: 9,
            optimizer: try Adam<Double>(learningRate: 1e-3))
        var stream = RandomStream(seed: 1, key: .testing)
        let inputs = Matrix<Double>(rows: 5, columns: 3, storage: (0..<15).map { _ in stream.normal() })
        let predictive = try #require(method.predictiveProbabilities(inputs: inputs))
        let mean = model.forward(inputs).output
        for n in 0..<inputs.rows {
            let spread = sigma * ((0..<3).reduce(1.0) { $0 + inputs[n, $1] * inputs[n, $1] } / 4000).squareRoot()
            for o in 0..<2 {
                #expect(abs(predictive[n, o] - mean[n, o]) < 5 * spread, "sample \(n), output \(o)")
            }
        }
    }

    /// With σ → 0 the predictive distribution of a classifier is the softmax of the mean model (1e-9).
    @Test func vanishingPosteriorPredictsLikeTheMeanModel() throws {
        let architecture = MLPArchitecture(sizes: [4, 6, 3], activation: .tanh)
        let model = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1.2, sigmaB: 0.2), seed: 4)
        let method = try VariationalMethod(
            model: model, loss: .softmaxCrossEntropy,
            priors: model.layout.views.map { _ in .gaussian(variance: 0.5) }, initialStd: 1e-12, trainingSamples: 100,
            evalSamples: 5, seed: 2, optimizer: try Adam<Double>(learningRate: 1e-3))
        var stream = RandomStream(seed: 2, key: .testing)
        let inputs = Matrix<Double>(rows: 7, columns: 4, storage: (0..<28).map { _ in stream.normal() })
        let predictive = try #require(method.predictiveProbabilities(inputs: inputs))
        let logits = model.forward(inputs).output
        for n in 0..<inputs.rows {
            let exps = (0..<3).map { exp(logits[n, $0]) }
            let total = exps.reduce(0, +)
            for o in 0..<3 { #expect(abs(predictive[n, o] - exps[o] / total) < 1e-9) }
        }
    }

    /// ECE against hand-computed cases: 100 predictions at confidence 0.8 with 80 right are calibrated (0);
    /// 50 at 0.95 with 25 right and 50 at 0.45 all right give ½·|0.5 − 0.95| + ½·|1 − 0.45| = 0.5.
    @Test func expectedCalibrationErrorClosedForms() {
        func predictions(_ confidence: Double, count: Int, correct: Int) -> (Matrix<Double>, [Int32]) {
            var probabilities = Matrix<Double>(rows: count, columns: 3)
            for n in 0..<count {
                probabilities[n, 0] = confidence
                probabilities[n, 1] = (1 - confidence) * 0.6
                probabilities[n, 2] = (1 - confidence) * 0.4
            }
            return (probabilities, (0..<count).map { $0 < correct ? 0 : 1 })
        }
        var calibrated = Calibration()
        let (p, y) = predictions(0.8, count: 100, correct: 80)
        calibrated.add(probabilities: p, labels: y)
        #expect(abs(calibrated.expectedCalibrationError) < 1e-12)

        var mixed = Calibration()
        let (p1, y1) = predictions(0.95, count: 50, correct: 25)
        let (p2, y2) = predictions(0.45, count: 50, correct: 50)
        mixed.add(probabilities: p1, labels: y1)
        mixed.add(probabilities: p2, labels: y2)
        #expect(abs(mixed.expectedCalibrationError - 0.5) < 1e-12)
        #expect(abs(mixed.meanConfidence - 0.7) < 1e-12)  // (0.95 + 0.45)/2
    }
}
