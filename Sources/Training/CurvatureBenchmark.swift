import Curvature
import Foundation
public import Networks
import Tensors

/// The cost of one grouped-Newton refresh (ḡ, H̄ and D3 on a batch) in units of one gradient evaluation
/// (forward, loss, backward) on the same batch, timed side by side in alternating rounds (medians).
public enum CurvatureBenchmark {
    public struct Result: Sendable {
        public let sizes: [Int]
        public let partition: String
        public let subsets: Int
        public let batch: Int
        public let gradientSeconds: Double
        public let refreshSeconds: Double

        public var gradientEquivalents: Double { refreshSeconds / gradientSeconds }
    }

    public static func run(
        sizes: [Int], batch: Int, partition kind: Partition.Kind, activation: Activation = .tanh, rounds: Int = 5,
        repetitions: Int = 3
    ) -> Result {
        let model = MLP<Float>(MLPArchitecture(sizes: sizes, activation: activation), initialization: .he, seed: 0)
        var stream = RandomStream(seed: 0, key: .testing)
        let x = Matrix<Float>(rows: batch, columns: sizes[0], storage: stream.draw(batch * sizes[0]) { $0.normal() })
        let targets = LossTargets<Float>.classes((0..<batch).map { _ in Int32(stream.integer(below: sizes.last!)) })
        let partition = Partition(kind, layout: model.layout)
        let direction: [Float] = stream.draw(model.layout.count) { 0.01 * $0.normal() }
        var gradient = ParameterBuffer<Float>(layout: model.layout)
        var pass = ForwardPass<Float>()
        let scale = 1 / Double(batch)

        func gradientEvaluation() {
            model.forward(x, into: &pass)
            var dOutput: Matrix<Float>? = Matrix(rows: batch, columns: sizes.last!)
            _ = Loss.softmaxCrossEntropy.evaluate(
                outputs: pass.output, targets: targets, scale: scale, gradient: &dOutput)
            model.backward(pass, dOutput: dOutput!, into: &gradient)
        }
        func refresh() {
            _ = PartitionTensors.compute(
                model: model, input: x, targets: targets, loss: .softmaxCrossEntropy, scale: scale,
                direction: direction, partition: partition)
        }
        func seconds(_ body: () -> Void) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repetitions { body() }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repetitions)
        }
        gradientEvaluation()
        refresh()
        var gradients = [Double]()
        var refreshes = [Double]()
        for _ in 0..<rounds {
            gradients.append(seconds(gradientEvaluation))
            refreshes.append(seconds(refresh))
        }
        return Result(
            sizes: sizes, partition: kind.rawValue, subsets: partition.count, batch: batch,
            gradientSeconds: StepBenchmark.median(gradients), refreshSeconds: StepBenchmark.median(refreshes))
    }
}
