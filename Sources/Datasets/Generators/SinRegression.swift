internal import Foundation
import Tensors

/// The Alrao paper's regression sanity check (methods.md §2.3): `x ~ U(−1, 1)`, features the powers
/// `(x, x², …, x¹⁰)`, target `sin(πx)`. The paper uses 1000 training and 100 test samples.
///
/// Powers are computed by repeated multiplication in `Double`, `x^(k+1) = x^k·x`.
public enum SinRegression {
    /// The highest power of `x` among the features (the feature count).
    public static let degree = 10

    /// `count` samples: features `(count, 10)` in float64, values `(count, 1)`. `index` (0...255) selects an
    /// independent stream, 0 for training and 1 for testing by convention, so the two sets never share samples.
    public static func generate(count: Int, seed: UInt64, index: Int = 0) -> Dataset {
        let names = [0: "sin-regression/train", 1: "sin-regression/test"]
        return generate(count: count, seed: seed, index: index, name: names[index] ?? "sin-regression/\(index)")
    }

    /// The paper's pair: indices 0 and 1.
    public static func generate(trainCount: Int = 1000, testCount: Int = 100, seed: UInt64)
        -> (train: Dataset, test: Dataset)
    {
        (
            generate(count: trainCount, seed: seed, index: 0, name: "sin-regression/train"),
            generate(count: testCount, seed: seed, index: 1, name: "sin-regression/test")
        )
    }

    static func generate(count: Int, seed: UInt64, index: Int, name: String) -> Dataset {
        precondition(count >= 0 && (0..<256).contains(index), "SinRegression.generate: count \(count), index \(index)")
        var stream = GeneratorStream.random(seed: seed, index: GeneratorStream.sinRegression + index)
        var features = [Double]()
        features.reserveCapacity(count * degree)
        var targets = [Double]()
        targets.reserveCapacity(count)
        for _ in 0..<count {
            let x = stream.uniform(-1, 1)
            var power = x
            for _ in 0..<degree {
                features.append(power)
                power *= x
            }
            targets.append(sin(Double.pi * x))
        }
        return Dataset(
            checkedName: name,
            features: FeatureStorage(rows: count, columns: degree, float64: features),
            targets: .values(Matrix(rows: count, columns: 1, storage: targets)))
    }
}
