import Networks
import Tensors
import TestSupport
import Testing

/// The BLAS forward/backward against the naive reference, and the gradient against finite differences of
/// the loss, for every activation and loss.
@Suite struct MLPTests {
    static func batch<S: BLASScalar>(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<S> {
        var stream = RandomStream(seed: seed, key: .testing)
        return Matrix(rows: rows, columns: columns, storage: stream.draw(rows * columns) { $0.normal() })
    }

    static func targets<S: BLASScalar>(_ loss: Loss, batch: Int, outputs: Int) -> LossTargets<S> {
        var stream = RandomStream(seed: 11, key: .testing.with(index: 1))
        if loss.isClassification { return .classes((0..<batch).map { _ in Int32(stream.integer(below: outputs)) }) }
        return .values(Matrix(rows: batch, columns: outputs, storage: stream.draw(batch * outputs) { $0.normal() }))
    }

    func forwardBackwardMatchReference<S: BLASScalar>(_ type: S.Type, tolerance: Double) {
        for bias in [true, false] {
            let architecture = MLPArchitecture(sizes: [7, 16, 9, 4], activation: .tanh, bias: bias)
            let mlp = MLP<S>(architecture, initialization: .gaussian(sigmaW: 1.3, sigmaB: 0.2), seed: 5)
            let x: Matrix<S> = Self.batch(13, 7, seed: 1)
            let pass = mlp.forward(x)
            let (reference, _) = mlp.referenceForward(x)
            #expect(Tolerance.normRelativeError(pass.output, reference) < tolerance)

            let dOutput: Matrix<S> = Self.batch(13, 4, seed: 2)
            var gradient = ParameterBuffer<S>(layout: mlp.layout)
            mlp.backward(pass, dOutput: dOutput, into: &gradient)
            let referenceGradient = mlp.referenceBackward(x, dOutput: dOutput)
            let error = Tolerance.normRelativeError(
                Matrix(rows: 1, columns: gradient.values.count, storage: gradient.values),
                Matrix(rows: 1, columns: referenceGradient.count, storage: referenceGradient.map { S($0) }))
            #expect(error < tolerance, "\(S.self) bias \(bias): gradient error \(error)")
        }
    }

    /// A body network (activation after its last layer too, as Alrao's) against the reference.
    @Test func bodyNetworkMatchesReference() {
        let architecture = MLPArchitecture(sizes: [5, 8, 6], activation: .silu, activatesLastLayer: true)
        let mlp = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1.2, sigmaB: 0.3), seed: 2)
        let x: Matrix<Double> = Self.batch(7, 5, seed: 4)
        let pass = mlp.forward(x)
        #expect(Tolerance.normRelativeError(pass.output, mlp.referenceForward(x).output) < 1e-12)
        let dOutput: Matrix<Double> = Self.batch(7, 6, seed: 5)
        var gradient = ParameterBuffer<Double>(layout: mlp.layout)
        mlp.backward(pass, dOutput: dOutput, into: &gradient)
        #expect(Tolerance.relativeError(gradient.values, mlp.referenceBackward(x, dOutput: dOutput)) < 1e-12)
        // And against finite differences of ⟨dOutput, output(θ)⟩, whose gradient backward computes.
        var probe = mlp
        let numeric = FiniteDifferences.gradient(
            { values in
                probe.parameters.values = values
                let output = probe.forward(x).output
                return zip(output.storage, dOutput.storage).reduce(0) { $0 + $1.0 * $1.1 }
            }, at: mlp.parameters.values)
        #expect(Tolerance.relativeError(gradient.values, numeric) < 1e-6)
    }

    /// Within 1e-12 of the output's norm in Double, 1e-5 in Float (the bounds).
    @Test func doubleForwardBackwardMatchReference() { forwardBackwardMatchReference(Double.self, tolerance: 1e-12) }
    @Test func floatForwardBackwardMatchReference() { forwardBackwardMatchReference(Float.self, tolerance: 1e-5) }

    static let activations: [Activation] = [.identity, .relu, .tanh, .silu, .elu(alpha: 1), .gelu, .softplus, .sigmoid]
    static let losses: [Loss] = [.softmaxCrossEntropy, .halfSquaredError, .gaussianNLL(variance: 0.7)]

    /// ∂L/∂θ from backward against central differences of the mean loss, every parameter, in Double.
    /// h = 1e-6; relative error bound 1e-6 of the gradient's largest entry.
    @Test(arguments: activations, losses)
    func gradientMatchesFiniteDifferences(_ activation: Activation, _ loss: Loss) {
        let architecture = MLPArchitecture(sizes: [4, 6, 5, 3], activation: activation)
        var mlp = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1.5, sigmaB: 0.3), seed: 9)
        let x: Matrix<Double> = Self.batch(6, 4, seed: 3)
        let targets: LossTargets<Double> = Self.targets(loss, batch: 6, outputs: 3)
        let scale = 1.0 / 6

        let pass = mlp.forward(x)
        var dOutput: Matrix<Double>? = Matrix(rows: 6, columns: 3)
        _ = loss.evaluate(outputs: pass.output, targets: targets, scale: scale, gradient: &dOutput)
        var gradient = ParameterBuffer<Double>(layout: mlp.layout)
        mlp.backward(pass, dOutput: dOutput!, into: &gradient)

        let theta = mlp.parameters.values
        let numeric = FiniteDifferences.gradient(
            { values in
                mlp.parameters.values = values
                return loss.evaluate(outputs: mlp.forward(x).output, targets: targets)
                    .lossSum * scale
            }, at: theta)
        mlp.parameters.values = theta
        let error = Tolerance.relativeError(gradient.values, numeric)
        #expect(error < 1e-6, "\(activation) \(loss): \(error)")
    }

    /// The loss values against closed forms on a hand-made example.
    @Test func lossValues() {
        let f = Matrix<Double>([[1, 2, 3], [0, 0, 0]])
        let ce = Loss.softmaxCrossEntropy.evaluate(outputs: f, targets: .classes([2, 1]))
        // log(e¹ + e² + e³) − 3 = 0.40760596444…, and ln 3 for the uniform row.
        #expect(abs(ce.lossSum - (0.4076059644443803 + 1.0986122886681098)) < 1e-14)
        #expect(ce.correct == 1)
        let y = Matrix<Double>([[1, 1, 1], [1, 0, -1]])
        let mse = Loss.halfSquaredError.evaluate(outputs: f, targets: .values(y))
        #expect(abs(mse.lossSum - (0.5 * 5 + 0.5 * 2)) < 1e-15)
        let nll = Loss.gaussianNLL(variance: 1).evaluate(outputs: f, targets: .values(y))
        #expect(abs(nll.lossSum - (3.5 + 6 * 0.5 * 1.8378770664093453)) < 1e-13)  // ln 2π = 1.83787706…
    }

    @Test func partitions() {
        let layout = MLPArchitecture(sizes: [3, 4, 2], activation: .relu).layout
        #expect(Partition(.tensor, layout: layout).count == 4)
        #expect(Partition(.layer, layout: layout).count == 2)
        #expect(Partition(.trivial, layout: layout).count == 1)
        #expect(Partition(.weightsBiases, layout: layout).count == 2)
        for kind in Partition.Kind.allCases {
            // Every parameter in exactly one subset.
            let owner = Partition(kind, layout: layout).subsetIndexPerParameter(count: layout.count)
            #expect(!owner.contains(-1))
            #expect(Partition(kind, layout: layout).subsets.reduce(0) { $0 + $1.count } == layout.count)
        }
        let grouped = try? Partition.groups([["layers.0.weight", "layers.1.weight"]], layout: layout).get()
        #expect(grouped?.count == 2)
        #expect(throws: PartitionError.self) { try Partition.groups([["nope"]], layout: layout).get() }
    }

    /// Initial weights have the variance each scheme promises (200×300 weights, 5% tolerance: the standard
    /// error of a variance estimate from 60 000 draws is about 0.6%).
    @Test func initializationVariances() {
        let architecture = MLPArchitecture(sizes: [300, 200, 10], activation: .relu)
        func variance(_ initialization: Initialization) -> Double {
            let mlp = MLP<Double>(architecture, initialization: initialization, seed: 4)
            let w = mlp.parameters["layers.0.weight"]
            return w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
        }
        #expect(Tolerance.relativeError(variance(.he), 2.0 / 300) < 0.05)
        #expect(Tolerance.relativeError(variance(.gaussian(sigmaW: 1.5, sigmaB: 0)), 2.25 / 300) < 0.05)
        #expect(Tolerance.relativeError(variance(.glorot), 6.0 / 500 / 3) < 0.05)
        #expect(Tolerance.relativeError(variance(.weibull(theta: 3, scale: 1)), 0.9027452929509336 / 300) < 0.05)
        // Same seed, same weights; layer 1 does not depend on layer 0's width.
        let a = MLP<Double>(architecture, initialization: .he, seed: 4)
        let b = MLP<Double>(MLPArchitecture(sizes: [301, 200, 10], activation: .relu), initialization: .he, seed: 4)
        #expect(a.parameters["layers.1.weight"] == b.parameters["layers.1.weight"])
    }

    /// `Initialization.variance(inputs:outputs:layer:)` (the variational prior's per-layer variance) is the
    /// variance the draws have, on both layers of a 300-200-150 network (60 000 and 30 000 weights, 5%).
    @Test(arguments: [
        Initialization.he, .gaussian(sigmaW: 1.5, sigmaB: 0.3), .glorot, .weibull(theta: 3, scale: 1.2),
        .weibullPaired(theta: 3),
    ])
    func initializationVarianceIsTheDrawnOne(_ initialization: Initialization) {
        let architecture = MLPArchitecture(sizes: [300, 200, 150], activation: .relu)
        let mlp = MLP<Double>(architecture, initialization: initialization, seed: 4)
        for l in 0..<2 {
            let w = mlp.parameters["layers.\(l).weight"]
            let measured = w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
            let promised = initialization.variance(
                inputs: architecture.sizes[l], outputs: architecture.sizes[l + 1], layer: l)
            #expect(
                Tolerance.relativeError(measured, promised) < 0.05,
                "\(initialization) layer \(l): measured \(measured), variance(...) \(promised)")
        }
    }
}
