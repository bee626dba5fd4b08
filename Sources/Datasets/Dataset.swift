public import Tensors

/// What a data set's samples are labelled with.
public enum Targets: Sendable {
    /// One class index per sample, each in `0..<classCount`.
    case classes([Int32], classCount: Int)
    /// One row of real values per sample: `(count, outputs)`, e.g. width 1 for scalar regression.
    case values(Matrix<Double>)

    /// The number of samples labelled.
    public var count: Int {
        switch self {
        case .classes(let labels, _): return labels.count
        case .values(let values): return values.rows
        }
    }

    /// The number of network outputs the targets call for: the class count, or the width of the values.
    public var outputCount: Int {
        switch self {
        case .classes(_, let classCount): return classCount
        case .values(let values): return values.columns
        }
    }

    /// The class labels of the selected samples, in order. Traps for `.values` targets.
    public func classLabels(rows indices: [Int]) -> [Int32] {
        guard case .classes(let labels, _) = self else { preconditionFailure("classLabels: the targets are values") }
        return indices.map { labels[$0] }
    }

    /// Copies the target rows of the selected samples into `matrix`, `(rows.count, outputs)`. Traps for
    /// `.classes` targets.
    public func gatherValues<S: BLASScalar>(rows indices: [Int], into matrix: inout Matrix<S>) {
        guard case .values(let values) = self else { preconditionFailure("gatherValues: the targets are classes") }
        precondition(
            matrix.rows == indices.count && matrix.columns == values.columns,
            "gatherValues: \(indices.count) rows of width \(values.columns) need (\(indices.count), "
                + "\(values.columns)), got \(matrix.shapeDescription)")
        for (i, row) in indices.enumerated() {
            for c in 0..<values.columns { matrix[i, c] = S(values[row, c]) }
        }
    }

    /// Class targets from labels read as numbers, which must be whole numbers in `0..<classCount`.
    ///
    /// - Parameters:
    ///   - classCount: the number of classes; `nil` infers it as the largest label + 1 (pass it when a file
    ///     might not contain the last class).
    ///   - path: the labels' file or data set name, for the error that names the first bad row.
    public static func classes(labels: [Double], classCount: Int?, path: String) throws -> Targets {
        var result = [Int32]()
        result.reserveCapacity(labels.count)
        for (row, label) in labels.enumerated() {
            guard label >= 0, label == label.rounded(), label < Double(Int32.max) else {
                throw DataError.invalidValue(
                    path: path,
                    problem: "row \(row) (counting from 0): label \(label) is not a class index (a whole number "
                        + "≥ 0); if these are regression targets, read them as values")
            }
            result.append(Int32(label))
        }
        let count = classCount ?? Int(result.max() ?? -1) + 1
        if let row = result.firstIndex(where: { Int($0) >= count }) {
            throw DataError.invalidValue(
                path: path,
                problem: "row \(row) (counting from 0): label \(result[row]) is outside 0..<\(count) (\(count) classes)"
            )
        }
        return .classes(result, classCount: count)
    }
}

/// A data set: a name, features `(count, features)` and one target per sample.
///
/// Features stay in their stored type (often memory-mapped bytes) until a batch is gathered with
/// `features.gather(rows:normalization:into:)`. Training splits a data set by lists of row indices (see
/// `DataSplit` and `EpochSchedule`) rather than by copying it.
public struct Dataset: Sendable {
    /// A short name for logs and messages: `"digits"`, `"fashion-mnist/train"`, a file name.
    public let name: String
    /// `(count, features)`.
    public let features: FeatureStorage
    /// One per sample.
    public let targets: Targets
    /// The shape of one sample (an image or a signal) when the source gives one, nil for plain feature
    /// vectors; its element count is `featureCount`.
    public internal(set) var sampleShape: SampleShape?

    /// A data set after checking that features and targets describe the same samples and that class labels
    /// lie in `0..<classCount`. Errors name `name`.
    public init(name: String, features: FeatureStorage, targets: Targets) throws {
        guard features.rows == targets.count else {
            throw DataError.mismatch(
                path: name, problem: "\(features.rows) feature rows but \(targets.count) targets; they must match")
        }
        if case .classes(let labels, let classCount) = targets {
            guard classCount >= 1 else {
                throw DataError.invalidValue(path: name, problem: "class count \(classCount); need at least 1")
            }
            if let row = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) {
                throw DataError.invalidValue(
                    path: name,
                    problem: "row \(row) (counting from 0): label \(labels[row]) is outside 0..<\(classCount)")
            }
        }
        self.name = name
        self.features = features
        self.targets = targets
    }

    /// The number of samples.
    public var count: Int { features.rows }

    /// The number of features per sample (the network's input width).
    public var featureCount: Int { features.columns }

    /// The class count for classification data, `nil` for regression.
    public var classCount: Int? {
        if case .classes(_, let classCount) = targets { return classCount }
        return nil
    }

    /// How many samples each class has (index = class); empty for regression data.
    public var classCounts: [Int] {
        guard case .classes(let labels, let classCount) = targets else { return [] }
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// The selected samples copied into owned memory, in order (e.g. a 5000-sample subsample of
    /// Fashion-MNIST for a CPU run). Class targets keep their class count.
    public func copying(rows indices: [Int], name: String? = nil) -> Dataset {
        let subsetTargets: Targets
        switch targets {
        case .classes(let labels, let classCount):
            subsetTargets = .classes(indices.map { labels[$0] }, classCount: classCount)
        case .values(let values):
            subsetTargets = .values(
                Matrix(rows: indices.count, columns: values.columns, storage: indices.flatMap { values.row($0) }))
        }
        // The rows come from a checked data set, so the checks in `init` hold.
        var subset = Dataset(
            checkedName: name ?? self.name, features: features.copying(rows: indices), targets: subsetTargets)
        subset.sampleShape = sampleShape
        return subset
    }

    /// A data set whose consistency the caller guarantees.
    init(checkedName name: String, features: FeatureStorage, targets: Targets) {
        assert(features.rows == targets.count, "Dataset: \(features.rows) rows, \(targets.count) targets")
        self.name = name
        self.features = features
        self.targets = targets
    }
}
