public import Cluster
import Configuration
import Foundation
public import Networks
public import Optimizers
public import Tensors

/// Alrao, "all learning rates at once" (Blier, Wolinski, Ollivier 2019), as methods.md §2 specifies.
///
/// The network is a *body* (every layer but the last, each followed by the activation, giving features
/// `z (batch, hidden)`) and K copies of the output layer. Body unit j of layer l learns at its own rate
/// drawn log-uniformly from (η_min, η_max) with `(seed, StreamKey.alraoLearningRates.with(index: l))`, the
/// same on every rank; copy k learns at `η_k = exp(ln η_min + k/(K − 1)·(ln η_max − ln η_min))` (η_min when
/// K = 1). The model's prediction is the mixture in probability space, weighted by the switch posterior a:
/// `log p(y|x) = logsumexp_k(log p_k(y|x) + log a_k)`.
///
/// One step, in the specified order:
/// 1. forward the body once, and every copy on its features;
/// 2. the body's gradient comes from the mixture's loss, `∂/∂f_k = r_k·∂(−log p_k)/∂f_k` with the
///    responsibilities `r_k = a_k·p_k(y)/p(y)`, back-propagated through `z` summed over the copies;
/// 3. each copy's gradient comes from its own loss on the features, as if it were alone (detached `z`);
/// 4. the gradient and the per-copy loss sums are all-reduced; copies whose global loss is not finite are
///    skipped;
/// 5. the optimizer updates the body and the copies (`AlraoOptimizer`);
/// 6. the switch is updated with each copy's global mean loss from this step's forward pass, identically on
///    every rank.
///
/// Classification copies output logits (softmax cross-entropy); regression copies output means of a
/// Gaussian with variance σ² (the Gaussian NLL), as the authors' regression setup. A copy's non-finite
/// log-likelihood counts as −∞ in the mixture. Inference and export use the mixture; `mostProbableCopy`
/// names the copy to export as a plain network.
public final class AlraoMethod<Scalar: TrainingScalar>: TrainingMethod {
    public let body: MLPArchitecture
    public let outputs: Int
    public let copies: Int
    public let classification: Bool
    /// σ² of the regression copies' Gaussian.
    public let variance: Double
    public var parameters: ParameterBuffer<Scalar>
    public private(set) var optimizer: AlraoOptimizer<Scalar>
    public private(set) var switcher: AlraoSwitch
    /// `(copy k's weight view, bias view)`.
    let copyViews: [(weight: ParameterView, bias: ParameterView?)]
    private var pass = ForwardPass<Scalar>()
    private var gradient: ParameterBuffer<Scalar>
    /// How the gradient is summed over ranks (the layers are the body's, then the copies).
    let buckets: GradientBuckets
    private var windowCopyLoss: [Double]
    private var windowCount = 0

    /// - Parameters:
    ///   - sizes: the whole network, `[inputs, hidden…, outputs]`; the last layer is the one copied.
    public init(
        sizes: [Int], activation: Activation, bias: Bool, initialization: Initialization, seed: UInt64,
        copies: Int, minRate: Double, maxRate: Double, kind: AlraoOptimizer<Scalar>.Kind, momentum: Double,
        dampening: Double, weightDecay: Double, beta1: Double, beta2: Double, epsilon: Double, classification: Bool,
        variance: Double, bucketBytes: Int = 0, sharedMemory: Bool = false
    ) throws {
        guard sizes.count >= 3 else {
            throw ConfigError(location: "model.hidden", message: "Alrao needs at least one hidden layer (its body)")
        }
        guard copies >= 1 else {
            throw ConfigError(location: "optimizer.alrao_copies", message: "must be at least 1")
        }
        guard minRate > 0, maxRate >= minRate, maxRate.isFinite else {
            throw ConfigError(
                location: "optimizer.alrao_min_lr",
                message: "need 0 < alrao_min_lr <= alrao_max_lr, got \(minRate), \(maxRate)")
        }
        body = MLPArchitecture(
            sizes: Array(sizes.dropLast()), activation: activation, bias: bias, activatesLastLayer: true)
        outputs = sizes.last!
        self.copies = copies
        self.classification = classification
        self.variance = variance
        let hidden = body.outputs
        let bodyCount = body.layerCount
        var tensors = body.layout.views.map { (name: $0.name, layer: $0.layer, role: $0.role, shape: $0.shape) }
        for k in 0..<copies {
            tensors.append(("copies.\(k).weight", bodyCount + k, .weight, [outputs, hidden]))
            if bias { tensors.append(("copies.\(k).bias", bodyCount + k, .bias, [outputs])) }
        }
        let layout = ParameterLayout(tensors)
        parameters = ParameterBuffer(layout: layout)
        // The body draws as the same layers of a plain network would, and copy k as the output layer with
        // stream index bodyCount + k: with K = 1, Alrao starts from exactly the plain network's parameters.
        for l in 0..<(bodyCount + copies) {
            let (inputs, units) = l < bodyCount ? (sizes[l], sizes[l + 1]) : (hidden, outputs)
            let (weight, biasValues): ([Scalar], [Scalar]) = initialization.draw(
                inputs: inputs, outputs: units, hasBias: bias, seed: seed, layer: l)
            let (weightView, biasView) = layout.views(ofLayer: l)
            parameters[weightView] = weight
            if let biasView { parameters[biasView] = biasValues }
        }
        copyViews = (0..<copies).map { layout.views(ofLayer: bodyCount + $0) }
        gradient = ParameterBuffer(layout: layout)
        buckets = GradientBuckets(
            layout: layout, scalarBytes: MemoryLayout<Scalar>.size, bucketBytes: bucketBytes,
            sharedMemory: sharedMemory)

        // Per-unit rates of the body, expanded to one per parameter (a unit's weights and bias share it).
        var bodyRates = [Scalar](repeating: 0, count: body.layout.count)
        for l in 0..<bodyCount {
            var stream = RandomStream(seed: seed, key: .alraoLearningRates.with(index: l))
            let units = sizes[l + 1]
            let unitRates = (0..<units).map { _ in stream.logUniform(minRate, maxRate) }
            let (weightView, biasView) = layout.views(ofLayer: l)
            for o in 0..<units {
                for i in 0..<sizes[l] { bodyRates[weightView.offset + o * sizes[l] + i] = Scalar(unitRates[o]) }
                if let biasView { bodyRates[biasView.offset + o] = Scalar(unitRates[o]) }
            }
        }
        let copyRates = (0..<copies).map { k in
            copies == 1
                ? minRate
                : Double.exp(
                    Double.log(minRate) + Double(k) / Double(copies - 1) * (Double.log(maxRate) - Double.log(minRate)))
        }
        let copyRanges = copyViews.map {
            ($0.weight.offset)..<($0.bias?.range.upperBound ?? $0.weight.range.upperBound)
        }
        optimizer = try AlraoOptimizer(
            kind: kind, bodyRange: 0..<body.layout.count, bodyRates: bodyRates, copyRanges: copyRanges,
            copyRates: copyRates, momentum: momentum, dampening: dampening, weightDecay: weightDecay, beta1: beta1,
            beta2: beta2, epsilon: epsilon)
        switcher = AlraoSwitch(copies: copies)
        windowCopyLoss = [Double](repeating: 0, count: copies)
    }

    public var name: String { optimizer.name }

    /// The copy with the largest posterior: the one exported as a plain network.
    public var mostProbableCopy: Int {
        let posterior = switcher.posterior
        return posterior.indices.max { posterior[$0] < posterior[$1] } ?? 0
    }

    // MARK: Forward

    /// What one forward pass of the body and the copies gives, per sample.
    struct Outputs {
        /// `f_k (batch, outputs)` for every copy.
        var copyOutputs: [Matrix<Scalar>]
        /// `log p_k(y_n)`, `(copies, batch)` row-major, −∞ where not finite.
        var logLikelihood: [Double]
        /// `log p(y_n)` of the mixture.
        var mixtureLogLikelihood: [Double]
        /// Per-copy sums of `−log p_k(y_n)` over the batch (NaN or +∞ when a copy diverged).
        var copyLossSums: [Double]
        var mixture: LossSummary
    }

    func forward(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> Outputs {
        parameters.values.withUnsafeBufferPointer { theta in
            body.forward(inputs, parameters: theta, layout: parameters.layout, into: &pass)
        }
        let z = pass.output
        let batch = inputs.rows
        let logPosterior = switcher.logPosterior
        var copyOutputs = [Matrix<Scalar>]()
        var likelihoods = [Double](repeating: 0, count: copies * batch)
        var copyLossSums = [Double](repeating: 0, count: copies)
        for k in 0..<copies {
            var f = Matrix<Scalar>(rows: batch, columns: outputs)
            linear(z, copy: k, into: &f)
            for n in 0..<batch {
                let value = logLikelihood(f, row: n, targets: targets)
                copyLossSums[k] -= value
                likelihoods[k * batch + n] = value.isFinite ? value : -.infinity
            }
            copyOutputs.append(f)
        }
        var mixture = LossSummary(count: batch)
        var mixtureLogLikelihood = [Double](repeating: 0, count: batch)
        for n in 0..<batch {
            let terms = (0..<copies).map { likelihoods[$0 * batch + n] + logPosterior[$0] }
            mixtureLogLikelihood[n] = AlraoSwitch.logSumExp(terms[...])
            mixture.lossSum -= mixtureLogLikelihood[n]
            if case .classes(let labels) = targets, predictedClass(copyOutputs, row: n, logPosterior) == Int(labels[n])
            {
                mixture.correct += 1
            }
        }
        return Outputs(
            copyOutputs: copyOutputs, logLikelihood: likelihoods, mixtureLogLikelihood: mixtureLogLikelihood,
            copyLossSums: copyLossSums, mixture: mixture)
    }

    /// `f = z·W_kᵀ + 1·b_kᵀ`.
    func linear(_ z: Matrix<Scalar>, copy k: Int, into f: inout Matrix<Scalar>) {
        let (weightView, biasView) = copyViews[k]
        let (batch, hidden) = (z.rows, z.columns)
        parameters.values.withUnsafeBufferPointer { theta in
            z.storage.withUnsafeBufferPointer { x in
                f.storage.withUnsafeMutableBufferPointer { out in
                    if let biasView {
                        for n in 0..<batch {
                            for o in 0..<outputs { out[n * outputs + o] = theta[biasView.offset + o] }
                        }
                    }
                    BLAS.gemm(
                        .none, .transposed, m: batch, n: outputs, k: hidden, alpha: 1, a: x.baseAddress!, lda: hidden,
                        b: theta.baseAddress! + weightView.offset, ldb: hidden, beta: biasView == nil ? 0 : 1,
                        c: out.baseAddress!, ldc: outputs)
                }
            }
        }
    }

    /// `log p_k(y_n)`: log-softmax at the label, or the Gaussian log-density of the target row.
    func logLikelihood(_ f: Matrix<Scalar>, row n: Int, targets: LossTargets<Scalar>) -> Double {
        switch targets {
        case .classes(let labels):
            var maxValue = -Double.infinity
            for o in 0..<outputs { maxValue = max(maxValue, Double(f[n, o])) }
            var sum = 0.0
            for o in 0..<outputs { sum += Foundation.exp(Double(f[n, o]) - maxValue) }
            return Double(f[n, Int(labels[n])]) - maxValue - Foundation.log(sum)
        case .values(let y):
            var squared = 0.0
            for o in 0..<outputs {
                let r = Double(f[n, o]) - Double(y[n, o])
                squared += r * r
            }
            return -0.5 * squared / variance - 0.5 * Double(outputs) * Foundation.log(2 * Double.pi * variance)
        }
    }

    /// The class with the largest mixture probability `Σ_k a_k·softmax(f_k)`.
    func predictedClass(_ copyOutputs: [Matrix<Scalar>], row n: Int, _ logPosterior: [Double]) -> Int {
        var probabilities = [Double](repeating: 0, count: outputs)
        for (k, f) in copyOutputs.enumerated() where logPosterior[k] > -.infinity {
            let p = Loss.softmax(f, row: n)
            guard p.allSatisfy(\.isFinite) else { continue }  // a diverged copy
            let weight = Foundation.exp(logPosterior[k])
            for o in 0..<outputs { probabilities[o] += weight * p[o] }
        }
        return probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
    }

    /// `∂(−log p_k(y_n))/∂f_k(n, :)` for one copy, `softmax(f) − onehot(y)` or `(f − y)/σ²`, computed once
    /// and written into row n of `own` scaled by `weight` and, when `mixtureWeight` is given, into row n of
    /// `mixture` scaled by it (each element as `Scalar(w·(p − δ))` or `Scalar(w·(f − y)/σ²)`).
    func lossGradient(
        _ f: Matrix<Scalar>, row n: Int, targets: LossTargets<Scalar>, weight: Double, into own: inout Matrix<Scalar>,
        mixtureWeight: Double?, into mixture: inout Matrix<Scalar>
    ) {
        switch targets {
        case .classes(let labels):
            let p = Loss.softmax(f, row: n)
            for o in 0..<outputs {
                let difference = p[o] - (o == Int(labels[n]) ? 1 : 0)
                own[n, o] = Scalar(weight * difference)
                if let mixtureWeight { mixture[n, o] = Scalar(mixtureWeight * difference) }
            }
        case .values(let y):
            for o in 0..<outputs {
                let residual = Double(f[n, o]) - Double(y[n, o])
                own[n, o] = Scalar(weight * residual / variance)
                if let mixtureWeight { mixture[n, o] = Scalar(mixtureWeight * residual / variance) }
            }
        }
    }

    // MARK: Step

    public func step(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, context: StepContext) throws -> LossSummary {
        let forward = forward(inputs: inputs, targets: targets)
        try context.checkLocalLoss(forward.mixture)
        let scale = 1 / Double(context.globalBatch)
        let communicator = context.communicator
        // The one gradient-sum path (shared memory or MPI buckets); the optimizer reads `gradient`, so a
        // shared sum is copied into it.
        let summed = try buckets.backwardAndSum(into: &gradient, communicator: communicator) { g, _ in
            writeGradient(into: g, forward: forward, targets: targets, scale: scale)
        }
        if case .shared(let sum) = summed.gradient {
            gradient.values.withUnsafeMutableBufferPointer {
                $0.baseAddress!.update(from: sum.baseAddress!, count: sum.count)
            }
        }
        var copyLosses = forward.copyLossSums
        let waitStart = DispatchTime.now().uptimeNanoseconds
        try communicator.allReduce(&copyLosses, .sum)
        lastCommunicationSeconds = summed.waited + Double(DispatchTime.now().uptimeNanoseconds - waitStart) / 1e9
        let skipped = Set((0..<copies).filter { !copyLosses[$0].isFinite })
        optimizer.step(parameters: &parameters.values, gradient: gradient.values, skippedCopies: skipped)
        let meanLosses = copyLosses.map { $0.isFinite ? $0 / Double(context.globalBatch) : .infinity }
        switcher.update(meanLosses: meanLosses)
        for k in 0..<copies { windowCopyLoss[k] += meanLosses[k] }
        windowCount += 1
        return forward.mixture
    }

    /// Writes the step's whole gradient into `g` (every element: the copies' by the gemm with beta 0 and the
    /// bias sums, the body's by its backward pass, so nothing needs zeroing): each copy's own loss gradient
    /// for the copy (detached features), the mixture's for the body.
    private func writeGradient(
        into g: UnsafeMutableBufferPointer<Scalar>, forward: Outputs, targets: LossTargets<Scalar>, scale: Double
    ) {
        let batch = pass.output.rows
        let hidden = body.outputs
        let logPosterior = switcher.logPosterior
        let z = pass.output

        var dz = Matrix<Scalar>(rows: batch, columns: hidden)
        for k in 0..<copies {
            let f = forward.copyOutputs[k]
            // The mixture's gradient through copy k (for the body), then copy k's own (for the copy).
            var mixtureGradient = Matrix<Scalar>(rows: batch, columns: outputs)
            var ownGradient = Matrix<Scalar>(rows: batch, columns: outputs)
            for n in 0..<batch {
                let likelihood = forward.logLikelihood[k * batch + n]
                let responsibility =
                    likelihood > -.infinity
                    ? Foundation.exp(likelihood + logPosterior[k] - forward.mixtureLogLikelihood[n]) : 0
                lossGradient(
                    f, row: n, targets: targets, weight: scale, into: &ownGradient,
                    mixtureWeight: responsibility > 0 ? scale * responsibility : nil, into: &mixtureGradient)
            }
            let (weightView, biasView) = copyViews[k]
            parameters.values.withUnsafeBufferPointer { theta in
                mixtureGradient.storage.withUnsafeBufferPointer { d in
                    dz.storage.withUnsafeMutableBufferPointer { out in
                        // dz += dF_k·W_k
                        BLAS.gemm(
                            .none, .none, m: batch, n: hidden, k: outputs, alpha: 1, a: d.baseAddress!, lda: outputs,
                            b: theta.baseAddress! + weightView.offset, ldb: hidden, beta: 1, c: out.baseAddress!,
                            ldc: hidden)
                    }
                }
            }
            do {
                ownGradient.storage.withUnsafeBufferPointer { d in
                    z.storage.withUnsafeBufferPointer { x in
                        // dW_k = dG_kᵀ·z, db_k = dG_kᵀ·1 (z is not differentiated: the copy learns alone).
                        BLAS.gemm(
                            .transposed, .none, m: outputs, n: hidden, k: batch, alpha: 1, a: d.baseAddress!,
                            lda: outputs, b: x.baseAddress!, ldb: hidden, beta: 0,
                            c: g.baseAddress! + weightView.offset,
                            ldc: hidden)
                    }
                    if let biasView {
                        for o in 0..<outputs {
                            var sum = Scalar(0)
                            for n in 0..<batch { sum += d[n * outputs + o] }
                            g[biasView.offset + o] = sum
                        }
                    }
                }
            }
        }
        parameters.values.withUnsafeBufferPointer { theta in
            do {
                body.backward(pass, dOutput: dz, parameters: theta, layout: parameters.layout, into: g)
            }
        }
    }

    public private(set) var lastCommunicationSeconds = 0.0

    public func evaluate(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> LossSummary {
        forward(inputs: inputs, targets: targets).mixture
    }

    // MARK: State and logs

    public var state: OptimizerState<Scalar> {
        var state = optimizer.state
        state.vectors["switch_log_weights"] = switcher.logWeights
        state.counters["switch_t"] = Int64(switcher.t)
        return state
    }

    public func restore(_ state: OptimizerState<Scalar>) throws {
        try optimizer.restore(state)
        guard
            let restored = AlraoSwitch(
                copies: copies, logWeights: try state.vector("switch_log_weights"),
                t: Int(try state.counter("switch_t")))
        else { throw OptimizerError.stateMismatch("the switch state does not fit \(copies) copies") }
        switcher = restored
    }

    /// The posterior, each copy's mean loss over the window, and the copies' rates.
    public func logRecords(step: Int) -> [JSONLine] {
        var line = JSONLine()
        line.add("step", step)
        line.add("split", "alrao")
        line.add("posterior", raw: JSONLine.array(switcher.posterior))
        line.add("copy_loss", raw: JSONLine.array(windowCopyLoss.map { $0 / Double(max(windowCount, 1)) }))
        line.add("copy_lr", raw: JSONLine.array(optimizer.copyRates))
        windowCopyLoss = [Double](repeating: 0, count: copies)
        windowCount = 0
        return [line]
    }
}
