import Networks
import Tensors
import TestSupport
import Testing

/// One layer (or a short stack) on one input shape, for the kernel tests.
struct LayerCase: Sendable, CustomTestStringConvertible {
    let input: TensorShape
    let layers: [Layer]
    var testDescription: String { "\(input) → " + layers.map(\.settings).joined(separator: " → ") }

    static func one(_ input: TensorShape, _ layer: Layer) -> LayerCase { LayerCase(input: input, layers: [layer]) }

    /// Every layer kind with strides 1 and 2, both paddings, an odd 7×5 input, a 3×2 kernel, 1 to 4
    /// channels; a 1×1 stride-1 convolution takes the direct-GEMM path, the others im2col.
    static let all: [LayerCase] = {
        var cases = [LayerCase]()
        let image1 = TensorShape.image(height: 7, width: 5, channels: 1)
        let image3 = TensorShape.image(height: 7, width: 5, channels: 3)
        for padding in Padding.allCases {
            for stride in [Size2D(1, 1), Size2D(2, 2), Size2D(2, 1)] {
                for (input, filters) in [(image1, 4), (image3, 2)] {
                    cases.append(
                        .one(
                            input,
                            .conv2D(Conv2D(filters: filters, kernel: Size2D(3, 2), stride: stride, padding: padding))))
                }
                cases.append(
                    .one(
                        image3,
                        .depthwiseConv2D(DepthwiseConv2D(kernel: Size2D(3, 2), stride: stride, padding: padding))))
                cases.append(.one(image3, .maxPool2D(Pool2D(size: Size2D(3, 2), stride: stride, padding: padding))))
                cases.append(.one(image3, .averagePool2D(Pool2D(size: Size2D(3, 2), stride: stride, padding: padding))))
            }
            cases.append(.one(image3, .maxPool2D(Pool2D(size: .square(2), padding: padding))))
            cases.append(.one(image3, .averagePool2D(Pool2D(size: .square(2), padding: padding))))
            cases.append(.one(image3, .conv2D(Conv2D(filters: 4, kernel: .square(1), padding: padding))))
            cases.append(
                .one(image3, .conv2D(Conv2D(filters: 4, kernel: .square(1), stride: .square(2), padding: padding))))
            let signal = TensorShape.signal(time: 9, channels: 3)
            for stride in [1, 2] {
                cases.append(.one(signal, .conv1D(Conv1D(filters: 5, kernel: 3, stride: stride, padding: padding))))
                cases.append(.one(signal, .maxPool1D(2, stride: stride, padding: padding)))
                cases.append(.one(signal, .averagePool1D(3, stride: stride, padding: padding)))
            }
        }
        cases.append(.one(image3, .conv2D(Conv2D(filters: 3, kernel: Size2D(3, 2), padding: .same, bias: false))))
        cases.append(.one(image3, .depthwiseConv2D(DepthwiseConv2D(kernel: .square(3), bias: false))))
        cases.append(.one(image3, .globalAveragePool))
        cases.append(.one(.signal(time: 9, channels: 3), .globalAveragePool))
        cases.append(.one(image3, .flatten))
        cases.append(.one(.vector(6), .dense(Dense(4))))
        cases.append(.one(.vector(6), .dense(Dense(3, bias: false))))
        cases.append(.one(image3, .relu6))
        for activation in [Activation.relu, .tanh, .silu, .elu(alpha: 1), .gelu, .softplus, .sigmoid, .identity] {
            cases.append(.one(image3, .activation(activation)))
        }
        for family in WeibullPair.Family.allCases {
            if let pair = WeibullPair(family, theta: 3) { cases.append(.one(.vector(11), .activation(.weibull(pair)))) }
        }
        // Small whole networks: image and signal.
        cases.append(
            LayerCase(
                input: image3,
                layers: [
                    .conv2D(Conv2D(filters: 4, kernel: .square(3), padding: .same)), .activation(.tanh),
                    .maxPool2D(Pool2D(size: .square(2), padding: .same)),
                    .depthwiseConv2D(DepthwiseConv2D(kernel: .square(2), padding: .same)), .relu6,
                    .conv2D(Conv2D(filters: 3, kernel: .square(1))), .globalAveragePool, .dense(Dense(2)),
                ]))
        cases.append(
            LayerCase(
                input: .signal(time: 12, channels: 3),
                layers: [
                    .conv1D(Conv1D(filters: 4, kernel: 3, stride: 2, padding: .same)), .activation(.relu),
                    .averagePool1D(2), .flatten, .dense(Dense(3)),
                ]))
        return cases
    }()

    var stack: LayerStack {
        get throws { try LayerStack(input: input, layers: layers) }
    }
}

/// Every layer's fast kernels against the naive reference (forward, parameter and input gradients, Float
/// and Double) and against central finite differences in Double.
@Suite struct LayerGradientTests {
    static func random<S: BLASScalar>(_ count: Int, seed: UInt64, scale: Double = 1) -> [S] {
        var stream = RandomStream(seed: seed, key: .testing.with(index: 7))
        return stream.draw(count) { scale * $0.normal() }
    }

    /// Fast against naive, relative to each result's largest entry: 1e-12 in Double, 2e-5 in Float (whose
    /// BLAS sums over up to 30 terms round differently from the Double reference).
    func fastMatchesNaive<S: BLASScalar>(_ layerCase: LayerCase, batch: Int, _: S.Type, tolerance: Double) throws {
        let stack = try layerCase.stack
        let theta: [S] = Self.random(stack.layout.count, seed: 1)
        let x = Matrix<S>(
            rows: batch, columns: stack.inputShape.count,
            storage: Self.random(batch * stack.inputShape.count, seed: 2, scale: 4))
        let dOutput = Matrix<S>(
            rows: batch, columns: stack.outputShape.count,
            storage: Self.random(batch * stack.outputShape.count, seed: 3))
        var pass = LayerStackPass<S>()
        var gradient = [S](repeating: .nan, count: stack.layout.count)
        var dInput: Matrix<S>?
        theta.withUnsafeBufferPointer { t in
            stack.forward(x, parameters: t, into: &pass)
            dInput = gradient.withUnsafeMutableBufferPointer { g in
                stack.backward(pass, dOutput: dOutput, parameters: t, into: g, inputGradient: true)
            }
        }
        let reference = stack.referenceForward(x, parameters: theta)
        for l in stack.layers.indices {
            let error = Tolerance.relativeError(pass.outputs[l].storage.map(Double.init), reference[l])
            #expect(
                error < tolerance, "\(layerCase.testDescription) batch \(batch) \(S.self): layer \(l) output \(error)")
        }
        let (referenceGradient, referenceInput) = stack.referenceBackward(x, parameters: theta, dOutput: dOutput)
        let gradientError = Tolerance.relativeError(gradient.map(Double.init), referenceGradient)
        #expect(gradientError < tolerance, "\(layerCase.testDescription) batch \(batch) \(S.self): dθ \(gradientError)")
        let inputError = Tolerance.relativeError(dInput?.storage.map(Double.init) ?? [], referenceInput)
        #expect(inputError < tolerance, "\(layerCase.testDescription) batch \(batch) \(S.self): dX \(inputError)")
    }

    @Test(arguments: LayerCase.all, [1, 7])
    func doubleKernelsMatchNaive(_ layerCase: LayerCase, batch: Int) throws {
        try fastMatchesNaive(layerCase, batch: batch, Double.self, tolerance: 1e-12)
    }

    @Test(arguments: LayerCase.all, [1, 7])
    func floatKernelsMatchNaive(_ layerCase: LayerCase, batch: Int) throws {
        try fastMatchesNaive(layerCase, batch: batch, Float.self, tolerance: 2e-5)
    }

    /// `∂⟨dOutput, f(X; θ)⟩/∂θ` and `/∂X` from backward against central differences (h = 1e-6) of the fast
    /// forward pass, in Double, relative to the largest entry: 1e-6.
    @Test(arguments: LayerCase.all, [1, 7])
    func gradientsMatchFiniteDifferences(_ layerCase: LayerCase, batch: Int) throws {
        let stack = try layerCase.stack
        let theta: [Double] = Self.random(stack.layout.count, seed: 4)
        let x: [Double] = Self.random(batch * stack.inputShape.count, seed: 5, scale: 4)
        let dOutput = Matrix<Double>(
            rows: batch, columns: stack.outputShape.count,
            storage: Self.random(batch * stack.outputShape.count, seed: 6))
        func objective(_ theta: [Double], _ x: [Double]) -> Double {
            var pass = LayerStackPass<Double>()
            theta.withUnsafeBufferPointer { t in
                stack.forward(
                    Matrix(rows: batch, columns: stack.inputShape.count, storage: x), parameters: t, into: &pass)
            }
            return zip(pass.output.storage, dOutput.storage).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var pass = LayerStackPass<Double>()
        var gradient = [Double](repeating: .nan, count: stack.layout.count)
        var dInput: Matrix<Double>?
        theta.withUnsafeBufferPointer { t in
            stack.forward(Matrix(rows: batch, columns: stack.inputShape.count, storage: x), parameters: t, into: &pass)
            dInput = gradient.withUnsafeMutableBufferPointer { g in
                stack.backward(pass, dOutput: dOutput, parameters: t, into: g, inputGradient: true)
            }
        }
        if !theta.isEmpty {
            let numeric = FiniteDifferences.gradient({ objective($0, x) }, at: theta)
            let error = Tolerance.relativeError(gradient, numeric)
            #expect(error < 1e-6, "\(layerCase.testDescription) batch \(batch): dθ \(error)")
        }
        let numericInput = FiniteDifferences.gradient({ objective(theta, $0) }, at: x)
        let inputError = Tolerance.relativeError(dInput?.storage ?? [], numericInput)
        #expect(inputError < 1e-6, "\(layerCase.testDescription) batch \(batch): dX \(inputError)")
    }
}
