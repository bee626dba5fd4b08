internal import Foundation
public import Tensors

/// The teacher-student regression task of Arbel et al., "Rethinking Gauss-Newton for learning
/// over-parameterized models" (methods.md §4.1).
///
/// Inputs `x ~ N(0, I_d)`; targets `y = f(x)` without noise, where the teacher is a one-hidden-layer network
/// in mean-field scaling, `f(x) = (1/H_t)·Σ_h v_h·σ(w_h·x + b_h)`, with `H_t = 5` units and every parameter
/// (`w_h`, `b_h` and `v_h`) drawn from `N(0, 1)`. All arithmetic is in `Double`.
///
/// Random streams (`StreamKey.dataGeneration`): the teacher's parameters, the training inputs and the test
/// inputs each have their own, so changing `testCount` leaves the training set unchanged.
public enum TeacherStudent {
    /// The hidden activation σ.
    public enum Activation: String, Sendable, CaseIterable {
        /// `σ(z) = z / (1 + e^(−z))`, the paper's default.
        case silu
        /// `σ(z) = max(z, 0)`.
        case relu

        /// `σ(z)`.
        public func callAsFunction(_ z: Double) -> Double {
            switch self {
            case .silu: return z / (1 + exp(-z))
            case .relu: return max(z, 0)
            }
        }
    }

    /// The teacher network, kept to measure how close a student's neurons come to it (the weighted distance
    /// to the teacher of methods.md §4.4).
    public struct Teacher: Sendable, Equatable {
        /// `W`, `(width, inputs)`: row `h` is `w_h`.
        public let inputWeights: Matrix<Double>
        /// `b`, `(width)`.
        public let biases: [Double]
        /// `v`, `(width)`.
        public let outputWeights: [Double]
        /// σ.
        public let activation: Activation

        /// `H_t`, the number of hidden units.
        public var width: Int { biases.count }
        /// `d`, the input dimension.
        public var inputDimension: Int { inputWeights.columns }

        /// `f(x) = (1/H_t)·Σ_h v_h·σ(w_h·x + b_h)` for one input `x` of `inputDimension` values.
        public func output(_ x: [Double]) -> Double {
            precondition(x.count == inputDimension, "Teacher.output: x has \(x.count) values, d = \(inputDimension)")
            var sum = 0.0
            for h in 0..<width {
                var preactivation = biases[h]
                for j in 0..<inputDimension { preactivation += inputWeights[h, j] * x[j] }
                sum += outputWeights[h] * activation(preactivation)
            }
            return sum / Double(width)
        }
    }

    /// The generated task.
    public struct Problem: Sendable {
        /// `trainCount` samples: features `(trainCount, d)`, values `(trainCount, 1)`.
        public let train: Dataset
        /// `testCount` samples from an independent stream.
        public let test: Dataset
        /// The network that labels both.
        public let teacher: Teacher
    }

    /// Draws a teacher and labels fresh Gaussian inputs with it.
    ///
    /// Defaults follow the paper's code: `d = 10`, `H_t = 5`, 500 training samples (the code draws 2000 and
    /// keeps 500) and 10 000 test samples; the paper's CPU-scaled runs use 100–200 and 2000.
    public static func generate(
        inputDimension: Int = 10, teacherWidth: Int = 5, activation: Activation = .silu, trainCount: Int = 500,
        testCount: Int = 10_000, seed: UInt64
    ) -> Problem {
        precondition(
            inputDimension > 0 && teacherWidth > 0 && trainCount >= 0 && testCount >= 0,
            "TeacherStudent.generate: d = \(inputDimension), H_t = \(teacherWidth), counts \(trainCount), \(testCount)")
        let teacher = drawTeacher(
            inputDimension: inputDimension, width: teacherWidth, activation: activation, seed: seed)
        func part(_ count: Int, stream index: Int, name: String) -> Dataset {
            var stream = GeneratorStream.random(seed: seed, index: index)
            let inputs = Matrix<Double>(
                rows: count, columns: inputDimension, storage: stream.draw(count * inputDimension) { $0.normal() })
            let targets = (0..<count).map { teacher.output(inputs.row($0)) }
            return Dataset(
                checkedName: name, features: FeatureStorage(inputs),
                targets: .values(Matrix(rows: count, columns: 1, storage: targets)))
        }
        return Problem(
            train: part(trainCount, stream: GeneratorStream.teacherTrainInputs, name: "teacher-student/train"),
            test: part(testCount, stream: GeneratorStream.teacherTestInputs, name: "teacher-student/test"),
            teacher: teacher)
    }

    /// The teacher alone: `W` row by row, then `b`, then `v`, all `N(0, 1)` from one stream.
    public static func drawTeacher(inputDimension: Int, width: Int, activation: Activation, seed: UInt64) -> Teacher {
        var stream = GeneratorStream.random(seed: seed, index: GeneratorStream.teacherParameters)
        let weights = Matrix<Double>(
            rows: width, columns: inputDimension, storage: stream.draw(width * inputDimension) { $0.normal() })
        let biases: [Double] = stream.draw(width) { $0.normal() }
        let outputWeights: [Double] = stream.draw(width) { $0.normal() }
        return Teacher(inputWeights: weights, biases: biases, outputWeights: outputWeights, activation: activation)
    }
}
