import Foundation
import Tensors
import TestSupport
import Testing

@testable import Datasets

/// The synthetic generators: reproducibility, and targets against a direct recomputation of the formula.
@Suite struct GeneratorTests {
    func values(_ targets: Targets) -> Matrix<Double> {
        guard case .values(let values) = targets else { preconditionFailure("expected values") }
        return values
    }

    @Test func teacherStudentIsReproducible() {
        let a = TeacherStudent.generate(trainCount: 50, testCount: 20, seed: 7)
        let b = TeacherStudent.generate(trainCount: 50, testCount: 20, seed: 7)
        let c = TeacherStudent.generate(trainCount: 50, testCount: 20, seed: 8)
        #expect(a.teacher == b.teacher && a.teacher != c.teacher)
        #expect(a.train.features.allValues() == b.train.features.allValues())
        #expect(values(a.train.targets) == values(b.train.targets))
        #expect(a.train.features.allValues() != c.train.features.allValues())
        #expect(a.train.features.allValues() != a.test.features.allValues().prefix(50 * 10).map { $0 })
        // The training set does not depend on the test set's size.
        let d = TeacherStudent.generate(trainCount: 50, testCount: 3, seed: 7)
        #expect(d.train.features.allValues() == a.train.features.allValues())
    }

    /// `y = (1/5)·Σ_h v_h·σ(w_h·x + b_h)` recomputed here, term by term; equal to 1e-13 relative.
    @Test(arguments: [TeacherStudent.Activation.silu, .relu])
    func teacherStudentTargetsMatchTheFormula(activation: TeacherStudent.Activation) {
        let problem = TeacherStudent.generate(activation: activation, trainCount: 200, testCount: 100, seed: 3)
        let teacher = problem.teacher
        #expect(teacher.inputWeights.rows == 5 && teacher.inputWeights.columns == 10)
        #expect(teacher.biases.count == 5 && teacher.outputWeights.count == 5)
        for data in [problem.train, problem.test] {
            #expect(data.featureCount == 10 && values(data.targets).columns == 1)
            var expected = [Double]()
            for n in 0..<data.count {
                let x = data.features.row(n)
                var sum = 0.0
                for h in 0..<5 {
                    var z = teacher.biases[h]
                    for j in 0..<10 { z += teacher.inputWeights[h, j] * x[j] }
                    let sigma = activation == .silu ? z / (1 + Foundation.exp(-z)) : Swift.max(0, z)
                    sum += teacher.outputWeights[h] * sigma
                }
                expected.append(sum / 5)
            }
            #expect(Tolerance.relativeError(values(data.targets).storage, expected) < 1e-13)
        }
    }

    /// Inputs and teacher parameters are N(0, 1): 100 000 input values give mean and variance within about 5
    /// standard errors (0.003 and 0.0045).
    @Test func teacherStudentInputsAreStandardNormal() {
        let problem = TeacherStudent.generate(trainCount: 10_000, testCount: 0, seed: 11)
        let x = problem.train.features.allValues()
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
        #expect(abs(mean) < 0.016 && abs(variance - 1) < 0.023)
    }

    @Test func sinRegressionFollowsTheFormula() {
        let (train, test) = SinRegression.generate(seed: 193_062_818)
        #expect(train.count == 1000 && test.count == 100 && train.featureCount == 10)
        for data in [train, test] {
            let targets = values(data.targets)
            for n in 0..<data.count {
                let row = data.features.row(n)
                let x = row[0]
                #expect(x >= -1 && x < 1)
                #expect(targets[n, 0] == Foundation.sin(Double.pi * x))
                for k in 1...10 {
                    #expect(Tolerance.relativeError(row[k - 1], Foundation.pow(x, Double(k)), floor: 1e-300) < 1e-14)
                }
            }
        }
        let again = SinRegression.generate(count: 1000, seed: 193_062_818, index: 0)
        #expect(again.features.allValues() == train.features.allValues())
        #expect(SinRegression.generate(count: 1000, seed: 1).features.allValues() != train.features.allValues())
        #expect(test.features.allValues() != train.features.allValues().prefix(1000).map { $0 })
    }

    /// Labels cycle through the classes; the noise around each class's mean has unit variance (the
    /// within-class variance over 3 × 4000 samples per class is within 0.05 of 1).
    @Test func gaussianClassesHaveUnitNoiseAroundTheirMeans() {
        let data = GaussianClasses.generate(classes: 3, dimension: 4, countPerClass: 4000, separation: 5, seed: 2)
        #expect(data.count == 12_000 && data.featureCount == 4 && data.classCount == 3)
        #expect(data.classCounts == [4000, 4000, 4000])
        #expect(data.targets.classLabels(rows: [0, 1, 2, 3]) == [0, 1, 2, 0])
        for c in 0..<3 {
            let rows = stride(from: c, to: data.count, by: 3).map { $0 }
            for j in 0..<4 {
                let values = rows.map { data.features.value(row: $0, column: j) }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                #expect(abs(variance - 1) < 0.05, "class \(c) feature \(j): \(variance)")
            }
        }
        let same = GaussianClasses.generate(classes: 3, dimension: 4, countPerClass: 4000, separation: 5, seed: 2)
        let other = GaussianClasses.generate(classes: 3, dimension: 4, countPerClass: 4000, separation: 5, seed: 9)
        #expect(same.features.allValues() == data.features.allValues())
        #expect(other.features.allValues() != data.features.allValues())
        // The train/test form shares the means: its training part is the same data.
        let split = GaussianClasses.generate(
            classes: 3, dimension: 4, trainCount: 12_000, testCount: 30, separation: 5, seed: 2)
        #expect(split.train.features.allValues() == data.features.allValues() && split.test.count == 30)
    }

    /// `separation` scales the spread of the class means (seed 3, 3 classes in 4 dimensions, 2000 samples
    /// per class, so an empirical class mean is within about 0.02 of the true one per feature):
    /// - separation 0: the classes share one mean, so the mean distance between two classes' empirical
    ///   means is below 0.2 (noise only);
    /// - separation 5: it is above 3 (the expected distance is about 5·√2·1.9 ≈ 13);
    /// - the noise does not depend on `separation`, so the means move linearly with it:
    ///   `m(5) − m(0) = 5·(m(1) − m(0))` to 1e-9.
    @Test func gaussianClassMeansSpreadWithSeparation() {
        func classMeans(separation: Double) -> [[Double]] {
            let data = GaussianClasses.generate(
                classes: 3, dimension: 4, countPerClass: 2000, separation: separation, seed: 3)
            return (0..<3).map { c in
                let rows = stride(from: c, to: data.count, by: 3).map { $0 }
                return (0..<4).map { j in
                    rows.reduce(0) { $0 + data.features.value(row: $1, column: j) } / Double(rows.count)
                }
            }
        }
        func distance(_ a: [Double], _ b: [Double]) -> Double {
            zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        }
        func meanDistance(_ means: [[Double]]) -> Double {
            (distance(means[0], means[1]) + distance(means[0], means[2]) + distance(means[1], means[2])) / 3
        }
        let none = classMeans(separation: 0)
        let one = classMeans(separation: 1)
        let five = classMeans(separation: 5)
        #expect(meanDistance(none) < 0.2, "separation 0: \(meanDistance(none))")
        #expect(meanDistance(five) > 3, "separation 5: \(meanDistance(five))")
        for c in 0..<3 {
            for j in 0..<4 {
                let expected = 5 * (one[c][j] - none[c][j])
                #expect(abs((five[c][j] - none[c][j]) - expected) < 1e-9, "class \(c) feature \(j)")
            }
        }
    }
}
