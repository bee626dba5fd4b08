import Foundation
public import Networks
import Optimizers
public import Tensors

/// Measures one training step of a layer stack (forward, softmax cross-entropy, backward, SGD update with
/// momentum) on random inputs, in wall time and in the calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`,
/// which other processes on a loaded machine do not inflate); each the median of its rounds.
public enum LayerStackBenchmark {
    public struct Result: Sendable {
        public let batch: Int
        public let rounds: Int
        public let stepsPerRound: Int
        /// Median seconds of one step, wall clock and thread CPU.
        public let stepSeconds: Double
        public let stepCPUSeconds: Double
        /// Median seconds of the forward pass alone, thread CPU.
        public let forwardCPUSeconds: Double

        public var samplesPerSecond: Double { Double(batch) / stepSeconds }
        public var samplesPerCPUSecond: Double { Double(batch) / stepCPUSeconds }
    }

    /// The networks of `partita bench step --model` on Fashion-MNIST's 28×28×1 images and 10 classes, as in
    /// examples/: LeNet-5 and the 20k-parameter DS-CNN.
    public static let presets: [String: [String]] = [
        "lenet5": [
            "conv2d 6 5x5 same", "tanh", "maxpool 2", "conv2d 16 5x5", "tanh", "maxpool 2", "flatten", "dense 120",
            "tanh", "dense 84", "tanh", "dense 10",
        ],
        "dscnn": ["conv2d 64 3x3 stride 2 same", "relu"]
            + ["depthwise 3x3 same", "relu", "conv2d 64 1x1", "relu"] + [
                "depthwise 3x3 same", "relu", "conv2d 64 1x1", "relu",
            ]
            + ["depthwise 3x3 stride 2 same", "relu", "conv2d 64 1x1", "relu"]
            + ["depthwise 3x3 same", "relu", "conv2d 64 1x1", "relu", "globalavgpool", "dense 10"],
    ]

    /// The preset `name` as a stack on 28×28×1.
    public static func preset(_ name: String) throws -> LayerStack? {
        guard let specs = presets[name] else { return nil }
        return try LayerStack(
            input: .image(height: 28, width: 28, channels: 1),
            layers: specs.enumerated().map { try Layer(spec: $0.element, index: $0.offset) })
    }

    public static func run<Scalar: BLASScalar>(
        _ type: Scalar.Type, stack: LayerStack, batch: Int, rounds: Int = 7, stepsPerRound: Int = 5
    ) throws -> Result {
        var model = Sequential<Scalar>(stack, initialization: .he, seed: 0)
        var stream = RandomStream(seed: 0, key: .testing)
        let inputs = Matrix<Scalar>(
            rows: batch, columns: stack.inputShape.count,
            storage: stream.draw(batch * stack.inputShape.count) { $0.normal() })
        let classes = stack.outputShape.count
        let labels = LossTargets<Scalar>.classes((0..<batch).map { _ in Int32(stream.integer(below: classes)) })
        var optimizer = try SGD<Scalar>(learningRate: 1e-4, momentum: 0.9)
        var gradient = ParameterBuffer<Scalar>(layout: model.layout)
        var pass = LayerStackPass<Scalar>()
        var dOutput: Matrix<Scalar>? = Matrix(rows: batch, columns: classes)

        func step() {
            model.forward(inputs, into: &pass)
            _ = Loss.softmaxCrossEntropy.evaluate(
                outputs: pass.output, targets: labels, scale: 1 / Double(batch), gradient: &dOutput)
            model.backward(pass, dOutput: dOutput!, into: &gradient)
            optimizer.step(parameters: &model.parameters, gradient: gradient)
        }
        func threadCPU() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }

        step()  // warm-up: first-touch page faults and BLAS buffers
        var wall = [Double]()
        var cpu = [Double]()
        var forward = [Double]()
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = threadCPU()
            for _ in 0..<stepsPerRound { step() }
            cpu.append((threadCPU() - cpuStart) / Double(stepsPerRound))
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(stepsPerRound))
            let forwardStart = threadCPU()
            for _ in 0..<stepsPerRound { model.forward(inputs, into: &pass) }
            forward.append((threadCPU() - forwardStart) / Double(stepsPerRound))
        }
        return Result(
            batch: batch, rounds: rounds, stepsPerRound: stepsPerRound, stepSeconds: StepBenchmark.median(wall),
            stepCPUSeconds: StepBenchmark.median(cpu), forwardCPUSeconds: StepBenchmark.median(forward))
    }
}
