import Curvature
import Networks
import Tensors
import TestSupport
import Testing

/// ḡ, H̄ and D3 against central finite differences of φ(t) = L(θ + Σᵢ tᵢ·u₍ᵢ₎), in Double.
///
/// Stencils and tolerances: ḡ and H̄ use second-order central differences with h = 1e-4 (truncation
/// ~h²·|φ⁗| ≈ 1e-8, rounding ~ε·|φ|/h² ≈ 1e-8); D3 uses the five-point stencil with h = 1e-3 (truncation
/// ~h²·|φ⁽⁵⁾| ≈ 1e-6, rounding ~ε·|φ|/h³ ≈ 1e-7). The checks are relative to the largest entry: 1e-6 for ḡ,
/// 1e-5 for H̄, 1e-4 for D3. A wrong coefficient in any term of the formulas is off by far more.
@Suite struct PartitionTensorsTests {
    static let activations: [Activation] = [.tanh, .silu, .gelu, .softplus, .sigmoid]
    static let losses: [Loss] = [.softmaxCrossEntropy, .halfSquaredError]
    static let kinds: [Partition.Kind] = [.layer, .tensor]

    struct Problem {
        var model: MLP<Double>
        let x: Matrix<Double>
        let targets: LossTargets<Double>
        let loss: Loss
        let direction: [Double]
        let partition: Partition
        let scale: Double

        func phi(_ t: [Double]) -> Double {
            var probe = model
            for (i, subset) in partition.subsets.enumerated() {
                for range in subset.ranges { for p in range { probe.parameters.values[p] += t[i] * direction[p] } }
            }
            return scale * loss.evaluate(outputs: probe.forward(x).output, targets: targets).lossSum
        }
    }

    static func problem(_ activation: Activation, _ loss: Loss, _ kind: Partition.Kind, sizes: [Int] = [3, 5, 4, 3])
        -> Problem
    {
        let architecture = MLPArchitecture(sizes: sizes, activation: activation)
        let model = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1.4, sigmaB: 0.3), seed: 7)
        var stream = RandomStream(seed: 8, key: .testing)
        let batch = 6
        let x = Matrix<Double>(rows: batch, columns: sizes[0], storage: stream.draw(batch * sizes[0]) { $0.normal() })
        let targets: LossTargets<Double> =
            loss.isClassification
            ? .classes((0..<batch).map { _ in Int32(stream.integer(below: sizes.last!)) })
            : .values(
                Matrix(rows: batch, columns: sizes.last!, storage: stream.draw(batch * sizes.last!) { $0.normal() }))
        let direction: [Double] = stream.draw(model.layout.count) { 0.5 * $0.normal() }
        return Problem(
            model: model, x: x, targets: targets, loss: loss, direction: direction,
            partition: Partition(kind, layout: model.layout), scale: 1.0 / Double(batch))
    }

    static func unit(_ i: Int, _ s: Int, _ h: Double) -> [Double] {
        (0..<s).map { $0 == i ? h : 0 }
    }

    static func numericTensors(_ p: Problem) -> PartitionTensors {
        let s = p.partition.count
        var result = PartitionTensors(zeros: s)
        let h = 1e-4
        let phi0 = p.phi([Double](repeating: 0, count: s))
        for i in 0..<s {
            let plus = p.phi(unit(i, s, h))
            let minus = p.phi(unit(i, s, -h))
            result.gBar[i] = (plus - minus) / (2 * h)
            result.hBar[i * s + i] = (plus - 2 * phi0 + minus) / (h * h)
            let k = 1e-3
            let f = { (t: Double) in p.phi(unit(i, s, t)) }
            result.d3[i] = (f(2 * k) - 2 * f(k) + 2 * f(-k) - f(-2 * k)) / (2 * k * k * k)
            for j in 0..<s where j != i {
                let pp = p.phi(zip(unit(i, s, h), unit(j, s, h)).map(+))
                let pm = p.phi(zip(unit(i, s, h), unit(j, s, -h)).map(+))
                let mp = p.phi(zip(unit(i, s, -h), unit(j, s, h)).map(+))
                let mm = p.phi(zip(unit(i, s, -h), unit(j, s, -h)).map(+))
                result.hBar[i * s + j] = (pp - pm - mp + mm) / (4 * h * h)
            }
        }
        return result
    }

    @Test(arguments: activations, losses)
    func matchFiniteDifferencesPerLayerAndPerTensor(_ activation: Activation, _ loss: Loss) {
        for kind in Self.kinds {
            let p = Self.problem(activation, loss, kind)
            let exact = PartitionTensors.compute(
                model: p.model, input: p.x, targets: p.targets, loss: p.loss, scale: p.scale, direction: p.direction,
                partition: p.partition)
            let numeric = Self.numericTensors(p)
            #expect(Tolerance.relativeError(exact.gBar, numeric.gBar) < 1e-6, "\(activation) \(loss) \(kind) ḡ")
            #expect(Tolerance.relativeError(exact.hBar, numeric.hBar) < 1e-5, "\(activation) \(loss) \(kind) H̄")
            #expect(
                Tolerance.relativeError(exact.d3, numeric.d3) < 1e-4,
                "\(activation) \(loss) \(kind) D3: \(exact.d3) vs \(numeric.d3)")
        }
    }

    /// With one subset, ḡ = gᵀu, H̄ = uᵀHu and D3 = T[u, u, u]: η = ḡ/H̄ is the exact Newton step of the line
    /// search along u, −φ'(0)/φ''(0) for φ(t) = L(θ − t·u)... checked against the finite differences of φ.
    @Test func trivialPartitionIsTheLineSearchNewtonStep() {
        let p = Self.problem(.tanh, .softmaxCrossEntropy, .trivial, sizes: [4, 6, 5, 3])
        let exact = PartitionTensors.compute(
            model: p.model, input: p.x, targets: p.targets, loss: p.loss, scale: p.scale, direction: p.direction,
            partition: p.partition)
        let h = 1e-4
        let along = { (t: Double) in p.phi([-t]) }  // moving by −t·u, as the optimizer does
        let first = (along(h) - along(-h)) / (2 * h)
        let second = (along(h) - 2 * along(0) + along(-h)) / (h * h)
        let newton = -first / second
        #expect(abs(exact.gBar[0] / exact.hBar[0] - newton) < 1e-6 * abs(newton))
    }

    /// A three-hidden-layer network with biases in a user grouping (weights of layers 0 and 2 together).
    @Test func userGroupsAndDeeperNetworks() throws {
        var p = Self.problem(.silu, .softmaxCrossEntropy, .tensor, sizes: [3, 4, 4, 4, 2])
        let grouped = try Partition.groups(
            [["layers.0.weight", "layers.2.weight"], ["layers.1.bias"]], layout: p.model.layout
        ).get()
        p = Problem(
            model: p.model, x: p.x, targets: p.targets, loss: p.loss, direction: p.direction, partition: grouped,
            scale: p.scale)
        let exact = PartitionTensors.compute(
            model: p.model, input: p.x, targets: p.targets, loss: p.loss, scale: p.scale, direction: p.direction,
            partition: p.partition)
        let numeric = Self.numericTensors(p)
        #expect(Tolerance.relativeError(exact.gBar, numeric.gBar) < 1e-6)
        #expect(Tolerance.relativeError(exact.hBar, numeric.hBar) < 1e-5)
        #expect(Tolerance.relativeError(exact.d3, numeric.d3) < 1e-4)
    }
}
