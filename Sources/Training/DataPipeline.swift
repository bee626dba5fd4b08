public import Configuration
import Datasets
import Foundation
public import Methods
import Tensors

/// Turns the `data` section of a config into `PreparedData`: loads or generates the samples, picks the
/// training subset, splits off validation, and fits the normalization on the training rows.
public enum DataPipeline {
    public static func prepare(_ config: ResolvedConfig) throws -> PreparedData {
        let seed = UInt64(config.integer("run.seed"))
        var (source, test) = try load(config)

        if let test, test.featureCount != source.featureCount {
            throw ConfigError(
                location: "data",
                message: "the test split has \(test.featureCount) features, the training split \(source.featureCount)")
        }
        // Optional subsets: a seeded random choice of training rows, the first rows of the test split.
        var candidates = Array(0..<source.count)
        let trainSubset = config.integer("data.train_subset")
        if trainSubset > 0 && trainSubset < source.count {
            var stream = RandomStream(seed: seed, key: .dataSplit.with(index: 1))
            candidates = Array(stream.permutation(source.count).prefix(trainSubset)).sorted()
        }
        let testSubset = config.integer("data.test_subset")
        if let current = test, testSubset > 0 && testSubset < current.count {
            test = current.copying(rows: Array(0..<testSubset))
        }
        let split = try DataSplit.trainValidation(
            count: candidates.count, validationFraction: config.number("data.validation"), seed: seed)
        let trainRows = split.train.map { candidates[$0] }
        let validationRows = split.validation.map { candidates[$0] }
        guard !trainRows.isEmpty else {
            throw ConfigError(location: "data", message: "no training samples left after the validation split")
        }

        let normalization: Normalization
        switch config.string("data.normalize") {
        case "standardize": normalization = .fitStandardize(features: source.features, rows: trainRows)
        case "scale": normalization = .scale(config.number("data.scale"))
        case "unit-norm": normalization = .unitNorm
        default: normalization = .none
        }
        return PreparedData(
            source: source, trainRows: trainRows, validationRows: validationRows, test: test,
            normalization: normalization)
    }

    /// The training data set and the optional test data set named by `data.name`.
    static func load(_ config: ResolvedConfig) throws -> (train: Dataset, test: Dataset?) {
        let seed = UInt64(config.integer("run.seed"))
        let name = config.string("data.name")
        switch name {
        case "digits":
            return (try BundledDigits.load(), nil)
        case "fashion-mnist":
            return (try FashionMNIST.load(split: .train), try FashionMNIST.load(split: .test))
        case "npy", "idx", "csv":
            return try loadFiles(config, format: name)
        case "teacher-student":
            let generated = TeacherStudent.generate(
                inputDimension: config.integer("data.input_dim"), teacherWidth: config.integer("data.teacher_width"),
                activation: config.string("data.teacher_activation") == "relu" ? .relu : .silu,
                trainCount: config.integer("data.train_size"), testCount: config.integer("data.test_size"), seed: seed)
            return (generated.train, generated.test.count > 0 ? generated.test : nil)
        case "sin-regression":
            let train = SinRegression.generate(count: config.integer("data.train_size"), seed: seed, index: 0)
            let testCount = config.integer("data.test_size")
            return (train, testCount > 0 ? SinRegression.generate(count: testCount, seed: seed, index: 1) : nil)
        case "gaussian-classes":
            let generated = GaussianClasses.generate(
                classes: config.integer("data.classes"), dimension: config.integer("data.input_dim"),
                trainCount: config.integer("data.train_size"), testCount: config.integer("data.test_size"),
                separation: config.number("data.separation"), seed: seed)
            return (generated.train, generated.test.count > 0 ? generated.test : nil)
        default:
            preconditionFailure("DataPipeline: data.name '\(name)' passed the schema but has no loader")
        }
    }

    static func loadFiles(_ config: ResolvedConfig, format: String) throws -> (train: Dataset, test: Dataset?) {
        let features = config.string("data.features")
        let labels = config.string("data.labels")
        guard !features.isEmpty else {
            throw ConfigError(location: "data", message: "data.features is required when data.name is \(format)")
        }
        if format != "csv" && labels.isEmpty {
            throw ConfigError(location: "data", message: "data.labels is required when data.name is \(format)")
        }
        let task = config.string("data.task")
        func read(_ features: String, _ labels: String) throws -> Dataset {
            switch format {
            case "npy": return try Dataset.npy(features: features, labels: labels)
            case "idx": return try Dataset.idx(images: features, labels: labels)
            default:
                let header: CSVFile.Header =
                    switch config.string("data.header") {
                    case "present": .present
                    case "absent": .absent
                    default: .auto
                    }
                return try Dataset.csv(
                    path: features, labelColumn: config.integer("data.label_column"), header: header,
                    labels: task == "regression" ? .values : .classes)
            }
        }
        let train = try read(features, labels)
        let testFeatures = config.string("data.test_features")
        let test = testFeatures.isEmpty ? nil : try read(testFeatures, config.string("data.test_labels"))
        if task == "classification", train.classCount == nil {
            throw ConfigError(location: "data", message: "data.task is classification but \(labels) holds real values")
        }
        if task == "regression", train.classCount != nil, format != "csv" {
            throw ConfigError(
                location: "data", message: "data.task is regression but \(labels) holds integers; store them as floats")
        }
        return (train, test)
    }
}
