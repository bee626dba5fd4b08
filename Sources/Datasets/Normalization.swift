/// How a sample's raw feature values are turned into network inputs, applied row by row in `Double` when a
/// batch is gathered (`FeatureStorage.gather`).
///
/// The formulas, for a row `x` with `n₀` features:
/// - `none`: `x`.
/// - `scale(f)`: `f·x`, e.g. `1/255` for bytes or `1/16` for the digits' pixel counts.
/// - `standardize(mean, std)`: `(x_j − mean_j) / std_j` per feature `j`. `fitStandardize` stores
///   `std_j = 1` for a feature whose standard deviation is below `standardDeviationFloor` (1e-8): a feature
///   that is constant on the training rows (a border pixel that is always 0) is only centred, as
///   scikit-learn's `StandardScaler` does, instead of being multiplied by 10⁸ on the rows where it does vary.
/// - `unitNorm`: `x·√(n₀/‖x‖²)`, so that `‖x‖²/n₀ = 1` (the mean-field input convention); a zero row stays
///   zero.
public enum Normalization: Sendable, Equatable {
    /// The raw values.
    case none
    /// `f·x`.
    case scale(Double)
    /// `(x_j − mean_j) / std_j`; `mean` and `std` have one entry per feature, and every `std_j` is positive
    /// (`fitStandardize` has already replaced the standard deviation of a (near-)constant feature by 1).
    case standardize(mean: [Double], std: [Double])
    /// `x·√(n₀/‖x‖²)`.
    case unitNorm

    /// Below this standard deviation a feature counts as constant: `fitStandardize` stores 1 as its `std`.
    public static let standardDeviationFloor = 1e-8

    /// A `standardize` normalization whose mean and (population, divide-by-`n`) standard deviation are
    /// computed over `rows` of `features` only, normally the training rows, so validation and test data are
    /// normalized with statistics they did not contribute to. Two passes in `Double`: the mean, then the
    /// squared deviations from it. A standard deviation below `standardDeviationFloor` is stored as 1 (the
    /// feature is only centred), so the stored `std` is exactly the divisor `apply` uses and export.json
    /// records.
    public static func fitStandardize(features: FeatureStorage, rows: [Int]) -> Normalization {
        precondition(!rows.isEmpty, "fitStandardize: no rows to fit on")
        let columns = features.columns
        var mean = [Double](repeating: 0, count: columns)
        var squares = [Double](repeating: 0, count: columns)
        features.forEachRow(rows, caller: "fitStandardize") { _, row in
            for c in 0..<columns { mean[c] += row[c] }
        }
        for c in 0..<columns { mean[c] /= Double(rows.count) }
        features.forEachRow(rows, caller: "fitStandardize") { _, row in
            for c in 0..<columns {
                let deviation = row[c] - mean[c]
                squares[c] += deviation * deviation
            }
        }
        let std = squares.map { sum in
            let std = (sum / Double(rows.count)).squareRoot()
            return std < standardDeviationFloor ? 1 : std
        }
        return .standardize(mean: mean, std: std)
    }

    /// Traps unless the normalization's per-feature statistics fit a row of `columns` features.
    func checkFits(columns: Int) {
        if case .standardize(let mean, let std) = self {
            precondition(
                mean.count == columns && std.count == columns,
                "standardize: mean has \(mean.count) entries and std \(std.count), the features have \(columns)")
        }
    }

    /// Normalizes one row in place.
    func apply(to row: UnsafeMutableBufferPointer<Double>) {
        switch self {
        case .none:
            return
        case .scale(let factor):
            for c in row.indices { row[c] *= factor }
        case .standardize(let mean, let std):
            for c in row.indices {
                row[c] = (row[c] - mean[c]) / std[c]
            }
        case .unitNorm:
            var squaredNorm = 0.0
            for c in row.indices { squaredNorm += row[c] * row[c] }
            guard squaredNorm > 0 else { return }
            let factor = (Double(row.count) / squaredNorm).squareRoot()
            for c in row.indices { row[c] *= factor }
        }
    }
}
