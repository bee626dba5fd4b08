public import Cluster
import Configuration
import Curvature
import Foundation
public import Networks
public import Optimizers
public import Tensors

/// Damped (Levenberg–Marquardt) generalized Gauss-Newton for any MLP, data-parallel (Martens 2010's
/// Hessian-free recipe with the GGN): each step solves `(G + λI)·d = −g` by conjugate gradient, where
/// `G = Jᵀ·H_ℓ·J` is applied matrix-free (`ggnVectorProduct`: a forward tangent and a backward pass), and
/// moves `θ ← θ + d` if the loss decreased.
///
/// Data-parallel: every rank computes g and each `G·v` on its share of the batch (scaled by the global batch
/// size) and one all-reduce per product sums them, so every rank runs the same CG iterations on the same
/// numbers. After the solve, ρ = (L(θ + d) − L(θ))/q(d), the actual over the predicted decrease with
/// `q(d) = gᵀd + ½·dᵀGd`, adapts λ: ×2/3 when ρ > 3/4, ×3/2 when ρ < 1/4 (a step that increases the loss is
/// rejected).
public final class GaussNewtonMethod<Scalar: TrainingScalar>: PlainModelMethod {
    public private(set) var model: MLP<Scalar>
    public let loss: Loss
    public let cgIterations: Int
    public let cgTolerance: Double
    public let adaptDamping: Bool
    public private(set) var damping: Double
    private var pass = ForwardPass<Scalar>()
    private var dOutput: Matrix<Scalar>?
    private var gradient: ParameterBuffer<Scalar>
    /// How the gradient is summed over ranks.
    let buckets: GradientBuckets
    private var record: JSONLine?

    public init(
        model: MLP<Scalar>, loss: Loss, damping: Double, cgIterations: Int, cgTolerance: Double, adaptDamping: Bool,
        bucketBytes: Int = 0, sharedMemory: Bool = false
    ) throws {
        guard damping > 0 else { throw ConfigError(location: "optimizer.ggn_damping", message: "must be positive") }
        self.model = model
        self.loss = loss
        self.damping = damping
        self.cgIterations = cgIterations
        self.cgTolerance = cgTolerance
        self.adaptDamping = adaptDamping
        gradient = ParameterBuffer(layout: model.layout)
        buckets = GradientBuckets(
            layout: model.layout, scalarBytes: MemoryLayout<Scalar>.size, bucketBytes: bucketBytes,
            sharedMemory: sharedMemory)
    }

    public var name: String { "gauss-newton" }

    public var parameters: ParameterBuffer<Scalar> {
        get { model.parameters }
        set { model.parameters = newValue }
    }

    /// Seconds the last step spent inside its all-reduces (of the gradient and loss, of each G·v, of the
    /// loss after the step).
    public private(set) var lastCommunicationSeconds = 0.0

    public func step(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>, context: StepContext) throws -> LossSummary {
        let communicator = context.communicator
        let scale = 1 / Double(context.globalBatch)
        var waited = 0.0
        /// Sums `values` over ranks, adding the time spent in the all-reduce to `waited`.
        func sumOverRanks(_ values: inout [Double]) throws {
            let started = DispatchTime.now().uptimeNanoseconds
            try communicator.allReduce(&values, .sum)
            waited += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        }

        let local = try context.forwardAndLoss(
            model, inputs: inputs, targets: targets, loss: loss, pass: &pass, dOutput: &dOutput)
        // The gradient through the one gradient-sum path (in the model's dtype), then in Double for CG; the loss
        // in its own all-reduce (appended to a longer vector, it would be summed in another order on 3 ranks).
        let summed = try buckets.backwardAndSum(
            model, pass, dOutput: dOutput!, into: &gradient, communicator: communicator)
        waited += summed.waited
        let g = summed.gradient.withValues(in: gradient) { $0.map(Double.init) }
        var lossBefore = [local.lossSum]
        try sumOverRanks(&lossBefore)
        let before = lossBefore[0]

        /// G·v summed over ranks, in Double.
        func product(_ v: [Double]) throws -> [Double] {
            var result = model.ggnVectorProduct(pass, loss: loss, scale: scale, v.map { Scalar($0) }).map(Double.init)
            try sumOverRanks(&result)
            return result
        }
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

        // Conjugate gradient on (G + λI)·d = −g from d = 0.
        var d = [Double](repeating: 0, count: g.count)
        var r = g.map { -$0 }
        var p = r
        var rr = dot(r, r)
        let target = cgTolerance * cgTolerance * rr
        var iterations = 0
        while iterations < cgIterations && rr > target {
            var ap = try product(p)
            for i in ap.indices { ap[i] += damping * p[i] }
            let curvature = dot(p, ap)
            guard curvature > 0 else { break }
            let alpha = rr / curvature
            for i in d.indices {
                d[i] += alpha * p[i]
                r[i] -= alpha * ap[i]
            }
            let next = dot(r, r)
            let beta = next / rr
            rr = next
            for i in p.indices { p[i] = r[i] + beta * p[i] }
            iterations += 1
        }

        // The predicted decrease and the actual one on the same batch.
        let gd = try product(d)
        let predicted = dot(g, d) + 0.5 * dot(d, gd)
        let theta = model.parameters.values
        for i in theta.indices { model.parameters.values[i] = theta[i] + Scalar(d[i]) }
        model.forward(inputs, into: &pass)
        var after = [loss.evaluate(outputs: pass.output, targets: targets).lossSum]
        try sumOverRanks(&after)
        lastCommunicationSeconds = waited
        let actual = (after[0] - before) * scale
        let rho = predicted < 0 ? actual / predicted : -1
        let accepted = actual < 0 && after[0].isFinite
        if !accepted { model.parameters.values = theta }
        if adaptDamping {
            if rho > 0.75 { damping *= 2.0 / 3.0 } else if rho < 0.25 { damping *= 1.5 }
        }

        var line = JSONLine()
        line.add("step", context.step + 1)
        line.add("split", "ggn")
        line.add("train_loss", before * scale)
        line.add("damping", damping)
        line.add("rho", rho)
        line.add("cg_iterations", iterations)
        line.add("accepted", accepted)
        record = line
        return local
    }

    public func evaluate(inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) -> LossSummary {
        model.forward(inputs, into: &pass)
        return loss.evaluate(outputs: pass.output, targets: targets)
    }

    /// The last step's damping, ρ and CG iterations.
    public func logRecords(step: Int) -> [JSONLine] {
        defer { record = nil }
        return record.map { [$0] } ?? []
    }

    public var state: OptimizerState<Scalar> { OptimizerState(vectors: ["ggn_damping": [damping]]) }

    public func restore(_ state: OptimizerState<Scalar>) throws {
        damping = try state.vector("ggn_damping", count: 1)[0]
    }
}
