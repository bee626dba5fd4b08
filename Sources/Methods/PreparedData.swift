public import Datasets
public import Networks
public import Tensors

/// What the model predicts: classes (softmax cross-entropy, accuracy) or real values (regression).
public enum Task: Sendable, Equatable, CustomStringConvertible {
    case classification(classes: Int)
    case regression(outputs: Int)

    public var outputCount: Int {
        switch self {
        case .classification(let classes): classes
        case .regression(let outputs): outputs
        }
    }

    public var description: String {
        switch self {
        case .classification(let classes): "classification (\(classes) classes)"
        case .regression(let outputs): "regression (\(outputs) outputs)"
        }
    }
}

/// The data of one run, ready for batching: the training data set with its training and validation rows,
/// an optional test set, and the normalization fitted on the training rows.
///
/// Rows are indices into `source`; nothing is copied, so memory-mapped files stay shared between ranks.
public struct PreparedData: Sendable {
    public let source: Dataset
    public let trainRows: [Int]
    public let validationRows: [Int]
    public let test: Dataset?
    public let normalization: Normalization
    public let task: Task

    public init(
        source: Dataset, trainRows: [Int], validationRows: [Int], test: Dataset?, normalization: Normalization
    ) {
        self.source = source
        self.trainRows = trainRows
        self.validationRows = validationRows
        self.test = test
        self.normalization = normalization
        switch source.targets {
        case .classes(_, let classCount): task = .classification(classes: classCount)
        case .values(let values): task = .regression(outputs: values.columns)
        }
    }

    public var inputCount: Int { source.featureCount }

    /// The shape of one input sample for a layer stack: the data's image or signal shape (`Dataset.sampleShape`),
    /// or the vector `(inputCount)` for plain features.
    public var inputShape: TensorShape {
        switch source.sampleShape {
        case .image(let height, let width, let channels):
            .image(height: height, width: width, channels: channels)
        case .signal(let length, let channels): .signal(time: length, channels: channels)
        case nil: .vector(inputCount)
        }
    }

    /// The network inputs `(rows.count, inputs)` and targets of `rows` of `dataset`, normalized.
    public func batch<Scalar: BLASScalar>(
        _ dataset: Dataset, rows: [Int], as type: Scalar.Type = Scalar.self
    ) -> (inputs: Matrix<Scalar>, targets: LossTargets<Scalar>) {
        var inputs = Matrix<Scalar>(rows: rows.count, columns: dataset.featureCount)
        dataset.features.gather(rows: rows, normalization: normalization, into: &inputs)
        switch dataset.targets {
        case .classes:
            return (inputs, .classes(dataset.targets.classLabels(rows: rows)))
        case .values(let values):
            var targets = Matrix<Scalar>(rows: rows.count, columns: values.columns)
            dataset.targets.gatherValues(rows: rows, into: &targets)
            return (inputs, .values(targets))
        }
    }

    /// A one-line description of the shapes every rank must agree on (hashed and compared at start).
    public var shapeSummary: String {
        let testPart = test.map { "test \($0.count)×\($0.featureCount)" } ?? "no test split"
        return "\(source.name): \(source.count)×\(source.featureCount), \(task), train \(trainRows.count), "
            + "validation \(validationRows.count), \(testPart)"
    }
}
