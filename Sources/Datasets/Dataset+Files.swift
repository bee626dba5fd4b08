import Tensors

/// How a label column is to be read.
public enum LabelKind: Sendable {
    /// Whole numbers in `0..<classCount`: classification.
    case classes
    /// Real values: regression.
    case values
}

extension Dataset {
    /// A data set from two `.npy` files: features `(count, ...)` (trailing dimensions flattened) and labels.
    /// Features `(count, T, C)` are signals and `(count, H, W, C)` images (`sampleShape`).
    ///
    /// Integer labels (`|u1`, `<i8`) of shape `(count,)` or `(count, 1)` become classes; float labels
    /// (`<f4`, `<f8`) become values `(count, outputs)`. Both files are memory-mapped (see `NpyFile`).
    ///
    /// - Parameters:
    ///   - classCount: for integer labels; `nil` infers the largest label + 1.
    ///   - name: defaults to the features path.
    ///   - cacheDirectory: where gzip-compressed files are decompressed to (see `DecompressionCache`).
    public static func npy(
        features: String, labels: String, classCount: Int? = nil, name: String? = nil,
        cacheDirectory: String? = DecompressionCache.defaultDirectory()
    ) throws -> Dataset {
        let table = try NpyFile.read(path: features, cacheDirectory: cacheDirectory)
        var dataset = try fromTables(
            features: table, labels: NpyFile.read(path: labels, cacheDirectory: cacheDirectory), labelsPath: labels,
            classCount: classCount, name: name ?? features)
        dataset.sampleShape = .npy(table.sampleDimensions)
        return dataset
    }

    /// A data set from two IDX files (raw or gzip-compressed), images `(count, ...)` and labels `(count)`, as
    /// MNIST ships them. Unsigned-byte and integer labels become classes, float labels values. Images
    /// `(count, H, W)` have the sample shape `(H, W, 1)`, `(count, H, W, C)` `(H, W, C)`.
    ///
    /// - Parameters:
    ///   - classCount: for integer labels; `nil` infers the largest label + 1.
    ///   - name: defaults to the images path.
    ///   - cacheDirectory: where gzip-compressed files are decompressed to (see `DecompressionCache`).
    public static func idx(
        images: String, labels: String, classCount: Int? = nil, name: String? = nil,
        cacheDirectory: String? = DecompressionCache.defaultDirectory()
    ) throws -> Dataset {
        let table = try IDXFile.read(path: images, cacheDirectory: cacheDirectory)
        var dataset = try fromTables(
            features: table, labels: IDXFile.read(path: labels, cacheDirectory: cacheDirectory), labelsPath: labels,
            classCount: classCount, name: name ?? images)
        dataset.sampleShape = .idx(table.sampleDimensions)
        return dataset
    }

    /// A data set from one CSV file (see `CSVFile`): one cell per feature plus a label cell.
    ///
    /// - Parameters:
    ///   - labelColumn: the label's cell index; negative counts from the end (`-1`, the default, is the last).
    ///   - labels: whether the label is a class index or a regression value (width-1 values).
    ///   - classCount: for class labels; `nil` infers the largest label + 1.
    ///   - name: defaults to `path`.
    public static func csv(
        path: String, labelColumn: Int = -1, header: CSVFile.Header = .auto, labels kind: LabelKind = .classes,
        classCount: Int? = nil, name: String? = nil
    ) throws -> Dataset {
        let (features, labels) = try CSVFile.read(path: path, labelColumn: labelColumn, header: header)
        let targets: Targets
        switch kind {
        case .classes: targets = try .classes(labels: labels, classCount: classCount, path: path)
        case .values: targets = .values(Matrix(rows: labels.count, columns: 1, storage: labels))
        }
        return try Dataset(name: name ?? path, features: features, targets: targets)
    }

    /// Pairs a features table with a labels table, choosing the kind of targets from the labels' element type.
    static func fromTables(
        features: FeatureStorage, labels: FeatureStorage, labelsPath: String, classCount: Int?, name: String
    ) throws -> Dataset {
        guard features.rows == labels.rows else {
            throw DataError.mismatch(
                path: name, problem: "\(features.rows) samples, but \(labelsPath) holds \(labels.rows) labels")
        }
        let targets: Targets
        if labels.elementType.isInteger {
            guard labels.columns == 1 else {
                throw DataError.unsupported(
                    path: labelsPath,
                    problem: "integer labels of shape \(labels.shapeDescription); class labels must be one per "
                        + "sample, (count,) or (count, 1)")
            }
            targets = try .classes(labels: labels.allValues(), classCount: classCount, path: labelsPath)
        } else {
            targets = .values(Matrix(rows: labels.rows, columns: labels.columns, storage: labels.allValues()))
        }
        return try Dataset(name: name, features: features, targets: targets)
    }
}
