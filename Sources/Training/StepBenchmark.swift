import Foundation
import Networks
import Optimizers
public import Tensors

/// Measures one training step of an MLP (forward, softmax cross-entropy, backward, SGD update) against the
/// same GEMM calls alone, side by side in one process, so their ratio is meaningful on a noisy machine.
///
/// The two are timed in alternating rounds and each is summarized by its median round, so a burst of load
/// from another process affects both or is discarded.
public enum StepBenchmark {
    public struct Result: Sendable {
        public let sizes: [Int]
        public let batch: Int
        public let rounds: Int
        public let stepsPerRound: Int
        /// Median seconds of one full training step.
        public let stepSeconds: Double
        /// Median seconds of the same GEMM calls alone.
        public let gemmSeconds: Double
        /// Floating-point operations of the GEMMs of one step (2·m·n·k each).
        public let gemmFlops: Double

        public var samplesPerSecond: Double { Double(batch) / stepSeconds }
        public var gemmShare: Double { gemmSeconds / stepSeconds }
        public var gemmGigaflops: Double { gemmFlops / gemmSeconds / 1e9 }
    }

    public static func run<Scalar: BLASScalar>(
        _ type: Scalar.Type, sizes: [Int], batch: Int, rounds: Int = 7, stepsPerRound: Int = 5,
        progress: (Int) -> Void = { _ in }
    ) throws -> Result {
        let architecture = MLPArchitecture(sizes: sizes, activation: .relu)
        var model = MLP<Scalar>(architecture, initialization: .he, seed: 0)
        var stream = RandomStream(seed: 0, key: .testing)
        let inputs = Matrix<Scalar>(
            rows: batch, columns: sizes[0], storage: stream.draw(batch * sizes[0]) { $0.normal() })
        let labels = LossTargets<Scalar>.classes((0..<batch).map { _ in Int32(stream.integer(below: sizes.last!)) })
        var optimizer = try SGD<Scalar>(learningRate: 1e-4, momentum: 0.9)
        var gradient = ParameterBuffer<Scalar>(layout: model.layout)
        var pass = ForwardPass<Scalar>()
        var dOutput: Matrix<Scalar>? = Matrix(rows: batch, columns: sizes.last!)

        func step() {
            model.forward(inputs, into: &pass)
            _ = Loss.softmaxCrossEntropy.evaluate(
                outputs: pass.output, targets: labels, scale: 1 / Double(batch), gradient: &dOutput)
            model.backward(pass, dOutput: dOutput!, into: &gradient)
            optimizer.step(parameters: &model.parameters, gradient: gradient)
        }

        // The GEMMs of one step, with the same shapes and transposes, on buffers of the same sizes.
        let layers = sizes.count - 1
        var activations = (0...layers).map { [Scalar](repeating: 0.5, count: batch * sizes[$0]) }
        var deltas = (0...layers).map { [Scalar](repeating: 0.25, count: batch * sizes[$0]) }
        var weightGradients = (0..<layers).map { [Scalar](repeating: 0, count: sizes[$0] * sizes[$0 + 1]) }
        var flops = 0.0
        for l in 0..<layers {
            let work = 2.0 * Double(batch * sizes[l] * sizes[l + 1])
            flops += l > 0 ? 3 * work : 2 * work
        }
        func gemmsOnly() {
            model.parameters.values.withUnsafeBufferPointer { theta in
                for l in 0..<layers {
                    let (inputs, outputs) = (sizes[l], sizes[l + 1])
                    let weight = theta.baseAddress! + model.layout.views(ofLayer: l).weight.offset
                    activations[l].withUnsafeBufferPointer { x in
                        activations[l + 1].withUnsafeMutableBufferPointer { z in
                            BLAS.gemm(
                                .none, .transposed, m: batch, n: outputs, k: inputs, alpha: 1, a: x.baseAddress!,
                                lda: inputs, b: weight, ldb: inputs, beta: 1, c: z.baseAddress!, ldc: outputs)
                        }
                    }
                }
                for l in stride(from: layers - 1, through: 0, by: -1) {
                    let (inputs, outputs) = (sizes[l], sizes[l + 1])
                    let weight = theta.baseAddress! + model.layout.views(ofLayer: l).weight.offset
                    deltas[l + 1].withUnsafeBufferPointer { dz in
                        activations[l].withUnsafeBufferPointer { x in
                            weightGradients[l].withUnsafeMutableBufferPointer { dw in
                                BLAS.gemm(
                                    .transposed, .none, m: outputs, n: inputs, k: batch, alpha: 1, a: dz.baseAddress!,
                                    lda: outputs, b: x.baseAddress!, ldb: inputs, beta: 0, c: dw.baseAddress!,
                                    ldc: inputs)
                            }
                        }
                        if l > 0 {
                            deltas[l].withUnsafeMutableBufferPointer { da in
                                BLAS.gemm(
                                    .none, .none, m: batch, n: inputs, k: outputs, alpha: 1, a: dz.baseAddress!,
                                    lda: outputs, b: weight, ldb: inputs, beta: 0, c: da.baseAddress!, ldc: inputs)
                            }
                        }
                    }
                }
            }
        }

        step()  // warm-up: first-touch page faults and BLAS buffers
        gemmsOnly()
        var stepTimes = [Double]()
        var gemmTimes = [Double]()
        for round in 0..<rounds {
            var start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<stepsPerRound { step() }
            stepTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(stepsPerRound))
            start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<stepsPerRound { gemmsOnly() }
            gemmTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(stepsPerRound))
            progress(round + 1)
        }
        return Result(
            sizes: sizes, batch: batch, rounds: rounds, stepsPerRound: stepsPerRound, stepSeconds: median(stepTimes),
            gemmSeconds: median(gemmTimes), gemmFlops: flops)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
