import Tensors

/// Deterministic train/validation splits of a data set's rows.
public enum DataSplit {
    /// Splits `0..<count` into training and validation rows.
    ///
    /// The split is a permutation drawn from `RandomStream(seed:key: .dataSplit)`: its first
    /// `round(count·validationFraction)` entries (rounding half up, and leaving at least one training row) are
    /// the validation rows, the rest the training rows. Both lists are sorted ascending, for locality when
    /// gathering from a memory-mapped file. Every rank computes the same split from the same seed.
    ///
    /// Throws `DataError.invalidSetting` unless `validationFraction` is in [0, 1): it comes from the user's
    /// config.
    public static func trainValidation(count: Int, validationFraction: Double, seed: UInt64) throws
        -> (train: [Int], validation: [Int])
    {
        precondition(count >= 0, "trainValidation: negative count \(count)")
        guard validationFraction >= 0 && validationFraction < 1 else {
            throw DataError.invalidSetting(
                name: "validation fraction",
                problem: "\(validationFraction) is outside [0, 1); use e.g. 0.2 to hold out a fifth, or 0 for none")
        }
        let validationCount = min((Double(count) * validationFraction + 0.5).rounded(.down), Double(max(count - 1, 0)))
        var stream = RandomStream(seed: seed, key: .dataSplit)
        let permutation = stream.permutation(count)
        let cut = Int(validationCount)
        return (train: permutation[cut...].sorted(), validation: permutation[..<cut].sorted())
    }
}
