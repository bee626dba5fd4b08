public import Cluster
import Configuration
import Foundation
public import Networks
public import Optimizers
public import Tensors

/// Mean-field Gaussian variational inference, "Bayes by backprop" (Blundell et al. 2015), with the priors of
/// methods.md §5: every weight and bias θ_p has a posterior N(μ_p, σ_p²) with σ = softplus(ρ), and training
/// minimizes the negative ELBO per sample,
///
///     L(μ, ρ) = E_ε[ (1/B)·Σ_{batch} ℓ(f(x; μ + σ⊙ε), y) ] + KL(q ‖ α)/n,
///
/// (for `VariationalPrior.meansOnlyDecay`, its penalty in place of the KL),
///
/// with n the number of training samples and one weight sample ε ~ N(0, I) per step (the reparameterization
/// trick): ∂/∂μ = g + ∂KL/∂μ/n and ∂/∂ρ = (g⊙ε + ∂KL/∂σ/n)⊙sigmoid(ρ), g the gradient at the sampled weights.
///
/// Across ranks: ε comes from `(seed, StreamKey.variationalNoise, step)`, the same on every rank, so the
/// ranks sample the same weights and their data gradients add up to the global batch's; the KL term is added
/// after the all-reduce, counted once. Predictions average the predictive distribution over `evalSamples`
/// weight samples (a fixed sequence, so evaluations are reproducible).
public final class VariationalMethod<Scalar: TrainingScalar>: TrainingMethod {
    public let architecture: MLPArchitecture
    public let loss: Loss
    /// μ in the network's own views, then ρ in views named `rho.<view>`.
    public var parameters: ParameterBuffer<Scalar>
    public let priors: [VariationalPrior]  // one per model view
    public let trainingSamples: Int
    public let evalSamples: Int
    public let seed: UInt64
    private var optimizer: any Optimizer<Scalar>
    private let modelLayout: ParameterLayout
    /// How the data term's gradient is summed over ranks (one bucket: host-shared memory or one all-reduce).
    private let summation: GradientBuckets
    private var dataGradient: ParameterBuffer<Scalar>
    /// The gradient in (μ, ρ), rewritten every step.
    private var gradient: ParameterBuffer<Scalar>
    private var pass = ForwardPass<Scalar>()
    private var dOutput: Matrix<Scalar>?
    private var window = (kl: 0.0, penalty: 0.0, steps: 0)

    public init(
        model: MLP<Scalar>, loss: Loss, priors: [VariationalPrior], initialStd: Double, trainingSamples: Int,
        evalSamples: Int, seed: UInt64, optimizer: any Optimizer<Scalar>, sharedMemory: Bool = false
    ) throws {
        guard initialStd > 0 else { throw ConfigError(location: "optimizer.vi_init_std", message: "must be positive") }
        precondition(priors.count == model.layout.views.count, "VariationalMethod: one prior per tensor")
        architecture = model.architecture
        self.loss = loss
        self.priors = priors
        self.trainingSamples = trainingSamples
        self.evalSamples = max(1, evalSamples)
        self.seed = seed
        self.optimizer = optimizer
        modelLayout = model.layout
        summation = GradientBuckets(
            layout: model.layout, scalarBytes: MemoryLayout<Scalar>.size, bucketBytes: 0, sharedMemory: sharedMemory)
        dataGradient = ParameterBuffer(layout: model.layout)
        let layers = model.architecture.layerCount
        var tensors = modelLayout.views.map { (name: $0.name, layer: $0.layer, role: $0.role, shape: $0.shape) }
        for view in modelLayout.views {
            tensors.append(("rho." + view.name, layers + view.layer, view.role, view.shape))
        }
        parameters = ParameterBuffer(layout: ParameterLayout(tensors))
        gradient = ParameterBuffer(layout: parameters.layout)
        // ρ = softplus⁻¹(σ₀) = ln(e^{σ₀} − 1).
        let rho = Scalar(Foundation.log(Foundation.expm1(initialStd)))
        for i in 0..<modelLayout.count {
            parameters.values[i] = model.parameters.values[i]
            parameters.values[modelLayout.count + i] = rho
        }
    }

    public var name: String { "vi" }
    public private(set) var lastCommunicationSeconds = 0.0

    var count: Int { modelLayout.count }

    static func softplus(_ x: Double) -> Double { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// A weight sample `μ + σ⊙ε`, the ε used, from `(seed, variationalNoise, index)`, and σ = softplus(ρ).
    func sample(index: Int) -> (model: MLP<Scalar>, epsilon: [Double], sigma: [Double]) {
        var stream = RandomStream(seed: seed, key: .variationalNoise.with(index: index))
        let epsilon = (0..<count).map { _ in stream.normal() }
        var theta = ParameterBuffer<Scalar>(layout: modelLayout)
        var sigma = [Double](repeating: 0, count: count)
        for i in 0..<count {
            sigma[i] = Self.softplus(Double(parameters.values[count + i]))
            theta.values[i] = Scalar(Double(parameters.values[i]) + sigma[i] * epsilon[i])
        }
        return (MLP(architecture, parameters: theta), epsilon, sigma)
    }

    /// The regularizer summed over all weights (KL(q ‖ α) for a prior) and its gradient in (μ, σ), with the
    /// KL to the priors' completions (the regularizer itself except for means-only decay), at σ = `sigma`
    /// (softplus(ρ) of the current parameters).
    func regularizer(sigma: [Double]) -> (value: Double, kl: Double, mean: [Double], std: [Double]) {
        var value = 0.0
        var divergence = 0.0
        var dMean = [Double](repeating: 0, count: count)
        var dStd = dMean
        for (v, view) in modelLayout.views.enumerated() {
            let prior = priors[v]
            let completion = prior.completion
            let isOwnCompletion = completion == prior
            for i in view.range {
                let mu = Double(parameters.values[i])
                let penalty = prior.penalty(mean: mu, std: sigma[i])
                value += penalty
                divergence += isOwnCompletion ? penalty : completion.kl(mean: mu, std: sigma[i])
                (dMean[i], dStd[i]) = prior.penaltyGradient(mean: mu, std: sigma[i])
            }
        }
        return (value, divergence, dMean, dStd)
    }

    public func step(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, context: StepContext) throws -> LossSummary {
        let (model, epsilon, sigma) = sample(index: context.step)
        let summed = try summation.lossAndSummedGradient(
            model, inputs: inputs, targets: targets, loss: loss, context: context, pass: &pass, dOutput: &dOutput,
            gradient: &dataGradient)
        lastCommunicationSeconds = summed.waited

        let divergence = regularizer(sigma: sigma)
        let n = Double(trainingSamples)
        // Every element of `gradient` is written.
        summed.gradient.withValues(in: dataGradient) { g in
            for i in 0..<count {
                let data = Double(g[i])
                let slope = Self.sigmoid(Double(parameters.values[count + i]))
                gradient.values[i] = Scalar(data + divergence.mean[i] / n)
                gradient.values[count + i] = Scalar((data * epsilon[i] + divergence.std[i] / n) * slope)
            }
        }
        optimizer.learningRate = context.learningRate
        optimizer.step(parameters: &parameters, gradient: gradient)
        window.kl += divergence.kl / n
        window.penalty += divergence.value / n
        window.steps += 1
        return summed.local
    }

    public func evaluate(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> LossSummary {
        summary(of: averagedPrediction(inputs: inputs), targets: targets)
    }

    /// The loss and the predictive distribution from one pass of `evalSamples` weight samples.
    public func evaluate(
        inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, withProbabilities: Bool
    ) -> (summary: LossSummary, probabilities: Matrix<Double>?) {
        let probabilities = averagedPrediction(inputs: inputs)
        return (summary(of: probabilities, targets: targets), withProbabilities ? probabilities : nil)
    }

    /// The loss summary of the averaged prediction `probabilities` (see `averagedPrediction`).
    func summary(of probabilities: Matrix<Double>, targets: LossTargets<Scalar>) -> LossSummary {
        var summary = LossSummary(count: probabilities.rows)
        switch targets {
        case .classes(let labels):
            for n in 0..<probabilities.rows {
                let label = Int(labels[n])
                summary.lossSum -= Foundation.log(max(probabilities[n, label], 1e-300))
                let predicted = (0..<probabilities.columns).max { probabilities[n, $0] < probabilities[n, $1] } ?? 0
                if predicted == label { summary.correct += 1 }
            }
        case .values(let y):
            // The loss of the averaged prediction.
            let values = Matrix(rows: y.rows, columns: y.columns, storage: y.storage.map(Double.init))
            summary = loss.evaluate(outputs: probabilities, targets: .values(values))
        }
        return summary
    }

    /// The predictive distribution averaged over `evalSamples` weight samples: class probabilities for
    /// classification, the mean output for regression, `(batch, outputs)`.
    public func predictiveProbabilities(inputs: Matrix<Scalar>) -> Matrix<Double>? {
        averagedPrediction(inputs: inputs)
    }

    func averagedPrediction(inputs: Matrix<Scalar>) -> Matrix<Double> {
        var average = Matrix<Double>(rows: inputs.rows, columns: architecture.outputs)
        for k in 0..<evalSamples {
            let (model, _, _) = sample(index: Int(Int32.max) - k)
            let output = model.forward(inputs).output
            for n in 0..<inputs.rows {
                if loss.isClassification {
                    for (o, p) in Loss.softmax(output, row: n).enumerated() { average[n, o] += p / Double(evalSamples) }
                } else {
                    for o in 0..<output.columns { average[n, o] += Double(output[n, o]) / Double(evalSamples) }
                }
            }
        }
        return average
    }

    /// The KL term per sample and the mean σ, at logging steps (the trainer logs the data term).
    public func logRecords(step: Int) -> [JSONLine] {
        var line = JSONLine()
        line.add("step", step)
        line.add("split", "vi")
        line.add("kl_per_sample", window.kl / Double(max(window.steps, 1)))
        line.add("penalty_per_sample", window.penalty / Double(max(window.steps, 1)))
        let sigmas = (0..<count).map { Self.softplus(Double(parameters.values[count + $0])) }
        line.add("mean_sigma", sigmas.reduce(0, +) / Double(max(count, 1)))
        window = (0, 0, 0)
        return [line]
    }

    public var state: OptimizerState<Scalar> { optimizer.state }

    public func restore(_ state: OptimizerState<Scalar>) throws {
        try optimizer.restore(state)
    }
}
