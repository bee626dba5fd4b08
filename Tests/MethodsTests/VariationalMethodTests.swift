import Cluster
import Foundation
import Methods
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

    /// The lower bound the test above lacks: the predictive mean uses σ. With one weight sample, the same linear
    /// model's outputs deviate from f(x; μ) by N(0, σ²·Σ_p x_p²) each: over these 10 outputs the largest
    /// deviation is above half its standard deviation (with these seeds; a method that ignored σ would
    /// give exactly f(x; μ)), and none beyond 5 standard deviations.
    @Test func oneWeightSampleDeviatesFromTheMeanModel() throws {
        let architecture = MLPArchitecture(sizes: [3, 2], activation: .identity)
        let model = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1, sigmaB: 0.5), seed: 3)
        let sigma = 0.3
        let method = try VariationalMethod(
            model: model, loss: .halfSquaredError, priors: [.gaussian(variance: 1), .gaussian(variance: 1)],
            initialStd: sigma, trainingSamples: 100, evalSamples: 1, seed: 9,
            optimizer: try Adam<Double>(learningRate: 1e-3))
        var stream = RandomStream(seed: 1, key: .testing)
        let inputs = Matrix<Double>(rows: 5, columns: 3, storage: (0..<15).map { _ in stream.normal() })
        let predictive = try #require(method.predictiveProbabilities(inputs: inputs))
        let mean = model.forward(inputs).output
        var largest = 0.0
        for n in 0..<inputs.rows {
            let spread = sigma * (0..<3).reduce(1.0) { $0 + inputs[n, $1] * inputs[n, $1] }.squareRoot()
            for o in 0..<2 {
                let deviation = abs(predictive[n, o] - mean[n, o]) / spread
                #expect(deviation < 5, "sample \(n), output \(o)")
                largest = max(largest, deviation)
            }
        }
        #expect(largest > 0.5, "the predictive mean ignores σ: largest deviation \(largest) standard deviations")
    }

    /// `step`'s gradient in (μ, ρ) against central differences (h = 1e-6) of the negative ELBO it minimizes,
    /// at the step's weight noise ε (`StreamKey.variationalNoise`, index 0):
    /// `L(μ, ρ) = (1/B)·Σ_batch ℓ(f(x; μ + softplus(ρ)⊙ε), y) + Σ_p penalty_p(μ_p, softplus(ρ_p))/n`,
    /// with a Gaussian, a Laplace and a means-only-decay prior on different tensors. The gradient is read
    /// back from one SGD step at rate 1 (θ − 1·g). Double; 1e-6 relative.
    @Test func stepGradientMatchesFiniteDifferencesOfTheNegativeELBO() throws {
        let architecture = MLPArchitecture(sizes: [3, 4, 2], activation: .tanh)
        let model = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 0.8, sigmaB: 0.3), seed: 5)
        let priors: [VariationalPrior] = [
            .gaussian(variance: 0.5), .laplace(scale: 0.3), .meansOnlyDecay(variance: 2), .gaussian(variance: 1),
        ]
        #expect(priors.count == model.layout.views.count)
        let (seed, trainingSamples, batch): (UInt64, Int, Int) = (11, 40, 6)
        let method = try VariationalMethod(
            model: model, loss: .softmaxCrossEntropy, priors: priors, initialStd: 0.2,
            trainingSamples: trainingSamples, evalSamples: 1, seed: seed,
            optimizer: try SGD<Double>(learningRate: 1))
        // Move ρ away from its uniform start, so that each σ_p differs.
        var stream = RandomStream(seed: 3, key: .testing)
        let count = model.layout.count
        for p in 0..<count { method.parameters.values[count + p] += 0.3 * stream.normal() }
        let inputs = Matrix<Double>(rows: batch, columns: 3, storage: (0..<(batch * 3)).map { _ in stream.normal() })
        let targets = LossTargets<Double>.classes((0..<batch).map { _ in Int32(stream.integer(below: 2)) })

        var noise = RandomStream(seed: seed, key: .variationalNoise.with(index: 0))
        let epsilon = (0..<count).map { _ in noise.normal() }
        func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }
        func negativeELBO(_ values: [Double]) -> Double {
            let sigma = (0..<count).map { softplus(values[count + $0]) }
            let theta = (0..<count).map { values[$0] + sigma[$0] * epsilon[$0] }
            let sampled = MLP(architecture, parameters: ParameterBuffer(layout: model.layout, values: theta))
            let data = Loss.softmaxCrossEntropy.evaluate(outputs: sampled.forward(inputs).output, targets: targets)
            var regularizer = 0.0
            for (v, view) in model.layout.views.enumerated() {
                for p in view.range { regularizer += priors[v].penalty(mean: values[p], std: sigma[p]) }
            }
            return data.lossSum / Double(batch) + regularizer / Double(trainingSamples)
        }

        let before = method.parameters.values
        let numeric = FiniteDifferences.gradient(negativeELBO, at: before)
        _ = try method.step(
            inputs: inputs, targets: targets,
            context: StepContext(
                communicator: SingleProcessCommunicator(), step: 0, learningRate: 1, globalBatch: batch,
                checkLocalLoss: { _ in }))
        let analytic = zip(before, method.parameters.values).map { $0 - $1 }
        let error = Tolerance.relativeError(analytic, numeric)
        #expect(error < 1e-6, "relative error \(error)")
        // Both halves matter: the ρ part is not negligible next to the μ part.
        #expect(analytic[count...].map(abs).max()! > 1e-3)
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
