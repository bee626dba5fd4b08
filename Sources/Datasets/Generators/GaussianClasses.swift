import Tensors

/// A synthetic classification task: `classes` Gaussian clouds in `dimension` dimensions.
///
/// Class means are drawn `μ_c ~ N(0, separation²·I)`, then each sample of class `c` is `μ_c + N(0, I)`; a larger
/// `separation` makes the classes easier to tell apart. Sample `i` has class `i mod classes`, so any prefix is
/// balanced. The means, the training noise and the test noise come from three `StreamKey.dataGeneration`
/// streams, so the training set does not depend on the test set's size.
public enum GaussianClasses {
    /// `classes·countPerClass` samples: features `(count, dimension)` in float64, class targets. The same as
    /// the training set of `generate(classes:dimension:trainCount:testCount:separation:seed:)`.
    public static func generate(classes: Int, dimension: Int, countPerClass: Int, separation: Double, seed: UInt64)
        -> Dataset
    {
        precondition(countPerClass >= 0, "GaussianClasses.generate: countPerClass \(countPerClass)")
        return generate(
            classes: classes, dimension: dimension, trainCount: classes * countPerClass, testCount: 0,
            separation: separation, seed: seed
        ).train
    }

    /// A training and a test set around the same class means: `(trainCount, dimension)` and
    /// `(testCount, dimension)` features in float64, class targets.
    public static func generate(
        classes: Int, dimension: Int, trainCount: Int, testCount: Int, separation: Double, seed: UInt64
    ) -> (train: Dataset, test: Dataset) {
        precondition(
            classes >= 1 && dimension >= 1 && trainCount >= 0 && testCount >= 0 && separation >= 0,
            "GaussianClasses.generate: classes \(classes), dimension \(dimension), counts \(trainCount), "
                + "\(testCount), separation \(separation)")
        var meanStream = GeneratorStream.random(seed: seed, index: GeneratorStream.gaussianMeans)
        let means: [Double] = meanStream.draw(classes * dimension) { separation * $0.normal() }
        func samples(_ count: Int, stream index: Int, name: String) -> Dataset {
            var noise = GeneratorStream.random(seed: seed, index: index)
            var features = [Double]()
            features.reserveCapacity(count * dimension)
            var labels = [Int32]()
            labels.reserveCapacity(count)
            for i in 0..<count {
                let label = i % classes
                for j in 0..<dimension { features.append(means[label * dimension + j] + noise.normal()) }
                labels.append(Int32(label))
            }
            return Dataset(
                checkedName: name, features: FeatureStorage(rows: count, columns: dimension, float64: features),
                targets: .classes(labels, classCount: classes))
        }
        return (
            samples(trainCount, stream: GeneratorStream.gaussianSamples, name: "gaussian-classes/train"),
            samples(testCount, stream: GeneratorStream.gaussianTestSamples, name: "gaussian-classes/test")
        )
    }
}
