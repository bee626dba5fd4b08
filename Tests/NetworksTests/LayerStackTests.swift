import Networks
import Tensors
import TestSupport
import Testing

/// Shape inference, the parameter layout, shape errors, the summary, initialization, and the MLP as a
/// stack of dense and activation layers.
@Suite struct LayerStackTests {
    static func conv(_ filters: Int, _ k: Int, _ padding: Padding = .valid, stride: Int = 1) -> Layer {
        .conv2D(Conv2D(filters: filters, kernel: .square(k), stride: .square(stride), padding: padding))
    }
    static let pool = Layer.maxPool2D(Pool2D(size: .square(2)))

    /// LeNet-5 on 28×28×1 against the hand-computed numbers: conv 6 5×5 same → 28×28×6, 6·25 + 6 = 156
    /// parameters and 28·28·6·25 = 117 600 MACs; pool → 14×14×6; conv 16 5×5 valid → 10×10×16,
    /// 16·150 + 16 = 2 416 parameters, 10·10·16·150 = 240 000 MACs; pool → 5×5×16; flatten → 400; dense
    /// 120: 48 120 parameters, 48 000 MACs; dense 84: 10 164, 10 080; dense 10: 850, 840. In all 61 706
    /// parameters and 416 520 MACs.
    @Test func lenet5ShapesAndCounts() throws {
        let stack = try LayerStack(
            input: .image(height: 28, width: 28, channels: 1),
            layers: [
                Self.conv(6, 5, .same), .activation(.tanh), Self.pool, Self.conv(16, 5), .activation(.tanh), Self.pool,
                .flatten, .dense(Dense(120)), .activation(.tanh), .dense(Dense(84)), .activation(.tanh),
                .dense(Dense(10)),
            ])
        let summary = stack.summary
        #expect(
            summary.map(\.outputShape.dimensions) == [
                [28, 28, 6], [28, 28, 6], [14, 14, 6], [10, 10, 16], [10, 10, 16], [5, 5, 16], [400], [120], [120],
                [84],
                [84], [10],
            ])
        #expect(summary.map(\.parameters) == [156, 0, 0, 2416, 0, 0, 0, 48120, 0, 10164, 0, 850])
        #expect(summary.map(\.macs) == [117_600, 0, 0, 240_000, 0, 0, 0, 48_000, 0, 10_080, 0, 840])
        #expect(stack.parameterCount == 61_706)
        #expect(stack.macs == 416_520)
        #expect(
            summary.map(\.kind) == [
                "conv2d", "tanh", "max_pool2d", "conv2d", "tanh", "max_pool2d", "flatten", "dense", "tanh", "dense",
                "tanh",
                "dense",
            ])
        #expect(summary[0].settings == "conv2d 6 5×5/1×1 same")
        // Names by layer index, OHWI kernels, in layer order.
        #expect(
            stack.layout.views.map(\.description) == [
                "layers.0.weight [6, 5, 5, 1]", "layers.0.bias [6]", "layers.3.weight [16, 5, 5, 6]",
                "layers.3.bias [16]",
                "layers.7.weight [120, 400]", "layers.7.bias [120]", "layers.9.weight [84, 120]", "layers.9.bias [84]",
                "layers.11.weight [10, 84]", "layers.11.bias [10]",
            ])
        #expect(Partition(.tensor, layout: stack.layout).count == 10)
    }

    /// TFLite's SAME: out = ⌈in/s⌉, pad_total = max((out − 1)·s + k − in, 0), pad_before = ⌊pad_total/2⌋;
    /// VALID: out = ⌊(in − k)/s⌋ + 1. Worked by hand for a few odd cases.
    @Test func windowGeometry() throws {
        let same = try #require(WindowGeometry(input: (7, 5), kernel: (3, 2), stride: (2, 2), padding: .same))
        // H: out = 4, total = 3·2 + 3 − 7 = 2, before 1. W: out = 3, total = 2·2 + 2 − 5 = 1, before 0.
        #expect([same.outputHeight, same.outputWidth, same.padTop, same.padLeft] == [4, 3, 1, 0])
        let valid = try #require(WindowGeometry(input: (7, 5), kernel: (3, 2), stride: (2, 2), padding: .valid))
        #expect([valid.outputHeight, valid.outputWidth, valid.padTop, valid.padLeft] == [3, 2, 0, 0])
        let even = try #require(WindowGeometry(input: (8, 8), kernel: (4, 4), stride: (1, 1), padding: .same))
        // total = 7 + 4 − 8 = 3: one before, two after.
        #expect([even.outputHeight, even.padTop] == [8, 1])
        #expect(WindowGeometry(input: (4, 4), kernel: (5, 5), stride: (1, 1), padding: .valid) == nil)
    }

    /// Every shape error, found when the stack is built, as one line naming the layer, the shapes and the fix.
    @Test func shapeErrors() {
        let image = TensorShape.image(height: 12, width: 12, channels: 1)
        func message(_ input: TensorShape, _ layers: [Layer]) -> String? {
            do {
                _ = try LayerStack(input: input, layers: layers)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(
            message(image, [Self.conv(6, 5), Self.pool, Self.conv(16, 5)])
                == "layer 2 (conv2d 16 5×5/1×1 valid): the 5×5 kernel is larger than its input (4, 4, 6); "
                + "use padding same, a smaller kernel, or fewer pooling layers before it")
        #expect(
            message(.image(height: 1, width: 1, channels: 3), [Self.pool])
                == "layer 0 (max_pool2d 2×2/2×2 valid): the 2×2 pool is larger than its input (1, 1, 3); "
                + "use padding same, a smaller pool, or remove it")
        #expect(
            message(image, [Self.conv(6, 5), .activation(.relu), .dense(Dense(10))])
                == "layer 2 (dense 10): its input is (8, 8, 6) but dense takes a vector; "
                + "insert flatten (or global_average_pool) before layer 2")
        #expect(
            message(.vector(64), [Self.conv(6, 3)])
                == "layer 0 (conv2d 6 3×3/1×1 valid): its input is the vector (64) but this layer takes "
                + "(height, width, channels) or (time, channels); give the input as an image or a signal, "
                + "or remove the layer")
        #expect(
            message(.signal(time: 50, channels: 3), [Self.conv(6, 3)])
                == "layer 0 (conv2d 6 3×3/1×1 valid): its input is the signal (50, 3) but conv2d takes "
                + "(height, width, channels); use conv1d for (time, channels)")
        #expect(
            message(image, [.conv1D(Conv1D(filters: 4, kernel: 3))])
                == "layer 0 (conv1d 4 3/1 valid): its input is the image (12, 12, 1) but conv1d takes "
                + "(time, channels); use conv2d for (height, width, channels)")
        #expect(
            message(.signal(time: 50, channels: 3), [Self.pool])
                == "layer 0 (max_pool2d 2×2/2×2 valid): its input is the signal (50, 3), so the window height must "
                + "be 1, not 2; use a 1×2 window (max_pool1d, average_pool1d)")
        #expect(
            message(image, [Self.conv(0, 3)])
                == "layer 0 (conv2d 0 3×3/1×1 valid): the number of filters must be positive")
        #expect(message(image, []) == "the model has no layers; give at least one (e.g. dense 10)")
        #expect(
            message(.vector(4), [.globalAveragePool])?.hasPrefix("layer 0 (global_average_pool): its input") == true)
        // The same layers fit with padding same.
        #expect(message(image, [Self.conv(6, 5), Self.pool, Self.conv(16, 5, .same)]) == nil)
    }

    /// The layer's weights have the variance of its fan-in formula: He `2/fan_in`, Gaussian `σ_w²/fan_in`,
    /// Glorot `2/(fan_in + fan_out)`, with fan_in = kh·kw·C_in (conv), kh·kw (depthwise), inputs (dense).
    /// 51 200 weights per layer; the standard error of the variance estimate is ≈ 0.6%, tolerance 5%.
    @Test(arguments: [Initialization.he, .gaussian(sigmaW: 1.5, sigmaB: 0), .glorot, .weibull(theta: 3, scale: 1)])
    func initializationVariances(_ initialization: Initialization) throws {
        let stack = try LayerStack(
            input: .image(height: 9, width: 9, channels: 32),
            layers: [
                Self.conv(64, 5, .same), .depthwiseConv2D(DepthwiseConv2D(kernel: .square(5))), .flatten,
                .dense(Dense(20)), .dense(Dense(10)),
            ])
        // Depthwise after 64 channels has 5·5·64 = 1 600 weights: too few; check it on its own stack below.
        let parameters: ParameterBuffer<Double> = stack.initialParameters(initialization, seed: 3)
        let conv = parameters["layers.0.weight"]
        #expect(conv.count == 51_200)
        let expected = initialization.variance(inputs: 800, outputs: 25 * 64, layer: 0)
        let measured = conv.reduce(0) { $0 + $1 * $1 } / Double(conv.count)
        #expect(Tolerance.relativeError(measured, expected) < 0.05, "conv: \(measured) vs \(expected)")
        let depthwiseStack = try LayerStack(
            input: .image(height: 6, width: 6, channels: 2048),
            layers: [.depthwiseConv2D(DepthwiseConv2D(kernel: .square(5)))])
        let depthwise: ParameterBuffer<Double> = depthwiseStack.initialParameters(initialization, seed: 3)
        let w = depthwise["layers.0.weight"]
        #expect(w.count == 51_200)
        let depthwiseExpected = initialization.variance(inputs: 25, outputs: 25, layer: 0)
        let depthwiseMeasured = w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
        #expect(Tolerance.relativeError(depthwiseMeasured, depthwiseExpected) < 0.05)
        // Same seed, same parameters; another seed, other parameters.
        #expect(stack.initialParameters(initialization, seed: 3) == parameters)
        #expect(stack.initialParameters(initialization, seed: 4) != parameters)
    }

    /// A stack of dense and activation layers is the MLP: same initial parameters (same streams), same
    /// outputs and gradients within 1e-12, with MLP tensor `layers.l.*` at stack tensor `layers.(2l).*`.
    @Test(arguments: [false, true])
    func mlpAsStack(_ activatesLastLayer: Bool) {
        for bias in [true, false] {
            let architecture = MLPArchitecture(
                sizes: [7, 16, 9, 4], activation: .tanh, bias: bias, activatesLastLayer: activatesLastLayer)
            let mlp = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1.3, sigmaB: 0.2), seed: 5)
            let stack = LayerStack.mlp(architecture)
            let network = Sequential<Double>(stack, initialization: .gaussian(sigmaW: 1.3, sigmaB: 0.2), seed: 5)
            #expect(network.parameters.values == mlp.parameters.values)
            for (mlpView, stackView) in zip(mlp.layout.views, stack.layout.views) {
                #expect(
                    stackView.name
                        == mlpView.name.replacingOccurrences(
                            of: "layers.\(mlpView.layer).", with: "layers.\(2 * mlpView.layer)."))
                #expect(stackView.shape == mlpView.shape && stackView.offset == mlpView.offset)
            }
            var stream = RandomStream(seed: 8, key: .testing)
            let x = Matrix<Double>(rows: 13, columns: 7, storage: stream.draw(13 * 7) { $0.normal() })
            let dOutput = Matrix<Double>(rows: 13, columns: 4, storage: stream.draw(13 * 4) { $0.normal() })
            let mlpPass = mlp.forward(x)
            let pass = network.forward(x)
            #expect(Tolerance.normRelativeError(pass.output, mlpPass.output) < 1e-12)
            var mlpGradient = ParameterBuffer<Double>(layout: mlp.layout)
            mlp.backward(mlpPass, dOutput: dOutput, into: &mlpGradient)
            var gradient = ParameterBuffer<Double>(layout: network.layout)
            var completed = [Int]()
            network.backward(pass, dOutput: dOutput, into: &gradient) { completed.append($0) }
            #expect(Tolerance.relativeError(gradient.values, mlpGradient.values) < 1e-12)
            #expect(completed == [4, 2, 0])
        }
    }

    /// The per-layer partition skips the layers without parameters.
    @Test func layerPartitionOfAStack() throws {
        let stack = try LayerStack(
            input: .image(height: 8, width: 8, channels: 1),
            layers: [Self.conv(4, 3), .activation(.relu), Self.pool, .flatten, .dense(Dense(3))])
        let partition = Partition(.layer, layout: stack.layout)
        #expect(partition.subsets.map(\.name) == ["layers.0", "layers.4"])
        #expect(partition.subsets.map(\.count) == [4 * 9 + 4, 3 * 36 + 3])
    }

    /// Without `inputGradient`, backward stops at the first layer with parameters (here the pool below it
    /// is skipped) and returns nil; the parameter gradient is the same as with it, and `layerCompleted`
    /// names the layers with parameters, last first.
    @Test func backwardSkipsLayersBelowTheFirstParameters() throws {
        let stack = try LayerStack(
            input: .image(height: 9, width: 7, channels: 2),
            layers: [Self.pool, Self.conv(3, 2, .same), .activation(.relu), .flatten, .dense(Dense(4))])
        let network = Sequential<Double>(stack, initialization: .he, seed: 2)
        var stream = RandomStream(seed: 3, key: .testing)
        let x = Matrix<Double>(rows: 5, columns: stack.inputShape.count, storage: stream.draw(5 * 126) { $0.normal() })
        let dOutput = Matrix<Double>(rows: 5, columns: 4, storage: stream.draw(5 * 4) { $0.normal() })
        let pass = network.forward(x)
        var withInput = ParameterBuffer<Double>(layout: stack.layout)
        let dInput = network.backward(pass, dOutput: dOutput, into: &withInput, inputGradient: true)
        var without = ParameterBuffer<Double>(layout: stack.layout)
        var completed = [Int]()
        let none = network.backward(pass, dOutput: dOutput, into: &without) { completed.append($0) }
        #expect(none == nil && dInput?.columns == 126)
        #expect(without.values == withInput.values)
        #expect(completed == [4, 1])
        let reference = stack.referenceBackward(x, parameters: network.parameters.values, dOutput: dOutput)
        #expect(Tolerance.relativeError(without.values, reference.gradient) < 1e-12)
    }
}
