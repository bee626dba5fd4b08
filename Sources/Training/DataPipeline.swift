public import Configuration
import Datasets
import Foundation
public import Methods
import Tensors

/// Turns the `data` section of a config into `PreparedData`: loads or generates the samples, picks the
/// training subset, splits off validation, and fits the normalization on the training rows.
public enum DataPipeline {
    public static func prepare(_ config: ResolvedConfig) throws -> PreparedData {
        try prepare(try config.typed())
    }

    public static func prepare(_ settings: Settings) throws -> PreparedData {
        let data = settings.data
        let seed = UInt64(settings.run.seed)
        var (source, test) = try load(data, seed: seed)

        if let test, test.featureCount != source.featureCount {
            throw ConfigError(
                location: "data",
                message: "the test split has \(test.featureCount) features, the training split \(source.featureCount)")
        }
        // Optional subsets: a seeded random choice of training rows, the first rows of the test split.
        var candidates = Array(0..<source.count)
        if data.trainSubset > 0 && data.trainSubset < source.count {
            var stream = RandomStream(seed: seed, key: .dataSplit.with(index: 1))
            candidates = Array(stream.permutation(source.count).prefix(data.trainSubset)).sorted()
        }
        if let current = test, data.testSubset > 0 && data.testSubset < current.count {
            test = current.copying(rows: Array(0..<data.testSubset))
        }
        let split = try DataSplit.trainValidation(
            count: candidates.count, validationFraction: data.validation, seed: seed)
        let trainRows = split.train.map { candidates[$0] }
        let validationRows = split.validation.map { candidates[$0] }
        guard !trainRows.isEmpty else {
            throw ConfigError(location: "data", message: "no training samples left after the validation split")
        }

        let normalization: Normalization
        switch data.normalize {
        case .standardize: normalization = .fitStandardize(features: source.features, rows: trainRows)
        case .scale: normalization = .scale(data.scale)
        case .unitNorm: normalization = .unitNorm
        case .none: normalization = .none
        }
        return PreparedData(
            source: source, trainRows: trainRows, validationRows: validationRows, test: test,
            normalization: normalization)
    }

    /// The training data set and the optional test data set named by `data.name`.
    static func load(_ data: DataSettings, seed: UInt64) throws -> (train: Dataset, test: Dataset?) {
        switch data.name {
        case .digits:
            return (try BundledDigits.load(), nil)
        case .fashionMNIST:
            return (try FashionMNIST.load(split: .train), try FashionMNIST.load(split: .test))
        case .npy, .idx, .csv:
            return try loadFiles(data)
        case .teacherStudent:
            let generated = TeacherStudent.generate(
                inputDimension: data.inputDim, teacherWidth: data.teacherWidth,
                activation: data.teacherActivation == .relu ? .relu : .silu, trainCount: data.trainSize,
                testCount: data.testSize, seed: seed)
            return (generated.train, generated.test.count > 0 ? generated.test : nil)
        case .sinRegression:
            let train = SinRegression.generate(count: data.trainSize, seed: seed, index: 0)
            let testCount = data.testSize
            return (train, testCount > 0 ? SinRegression.generate(count: testCount, seed: seed, index: 1) : nil)
        case .gaussianClasses:
            let generated = GaussianClasses.generate(
                classes: data.classes, dimension: data.inputDim, trainCount: data.trainSize,
                testCount: data.testSize, separation: data.separation, seed: seed)
            return (generated.train, generated.test.count > 0 ? generated.test : nil)
        }
    }

    static func loadFiles(_ data: DataSettings) throws -> (train: Dataset, test: Dataset?) {
        let format = data.name.rawValue
        let features = data.features
        let labels = data.labels
        guard !features.isEmpty else {
            throw ConfigError(location: "data", message: "data.features is required when data.name is \(format)")
        }
        if data.name != .csv && labels.isEmpty {
            throw ConfigError(location: "data", message: "data.labels is required when data.name is \(format)")
        }
        let task = data.task
        func read(_ features: String, _ labels: String) throws -> Dataset {
            switch data.name {
            case .npy: return try Dataset.npy(features: features, labels: labels)
            case .idx: return try Dataset.idx(images: features, labels: labels)
            default:
                let header: CSVFile.Header =
                    switch data.header {
                    case .present: .present
                    case .absent: .absent
                    case .auto: .auto
                    }
                return try Dataset.csv(
                    path: features, labelColumn: data.labelColumn, header: header,
                    labels: task == .regression ? .values : .classes)
            }
        }
        let train = try read(features, labels)
        let test = data.testFeatures.isEmpty ? nil : try read(data.testFeatures, data.testLabels)
        if task == .classification, train.classCount == nil {
            throw ConfigError(location: "data", message: "data.task is classification but \(labels) holds real values")
        }
        if task == .regression, train.classCount != nil, data.name != .csv {
            throw ConfigError(
                location: "data", message: "data.task is regression but \(labels) holds integers; store them as floats")
        }
        return (train, test)
    }
}
