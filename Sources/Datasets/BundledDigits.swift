internal import Foundation

/// The scikit-learn "digits" data set, bundled with Partita: 1797 handwritten digits as 8×8 images whose
/// pixels count on-pixels in 4×4 blocks (0...16), with labels 0...9, about 180 per class.
///
/// The file is `Resources/digits/digits.csv.gz`, copied unchanged from scikit-learn 1.9.1 (BSD 3-Clause;
/// data from the UCI "Optical Recognition of Handwritten Digits" set by E. Alpaydin and C. Kaynak, CC BY 4.0;
/// see the README.md next to it). It is the best fit for minute-scale MLP runs. Features are float64 pixel
/// counts `(1797, 64)`; `.scale(1.0 / 16)` brings them to [0, 1].
public enum BundledDigits {
    /// The data set's name in logs and configs.
    public static let name = "digits"

    /// The number of classes: the digits 0...9.
    public static let classCount = 10

    /// Loads the bundled file. Throws `DataError.missing` if the resource directory is neither next to the
    /// executable nor in the source tree.
    public static func load() throws -> Dataset {
        guard let path = resourcePath() else {
            throw DataError.missing(
                path: "digits/digits.csv.gz",
                problem: "the bundled digits file is missing: copy the partita_Datasets.resources directory from "
                    + "the build folder next to the partita executable")
        }
        var digits = try Dataset.csv(
            path: path, labelColumn: -1, header: .absent, labels: .classes, classCount: classCount, name: name)
        digits.sampleShape = .image(height: 8, width: 8, channels: 1)  // 8×8 grey-level images, row by row
        return digits
    }

    /// Where the file is. SwiftPM's generated `Bundle.module` would stop the program with `fatalError` when
    /// the resource directory is missing (a deployment mistake), so the two places it can be are checked
    /// here: SwiftPM's resource directory beside the executable (also where test bundles find it), and the
    /// source tree this file was compiled from (a checkout).
    static func resourcePath() -> String? {
        let besideExecutable = Bundle.main.bundleURL
            .appendingPathComponent("partita_Datasets.resources/digits/digits.csv.gz").path
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/digits/digits.csv.gz").path
        return [besideExecutable, sourceTree].first { FileManager.default.fileExists(atPath: $0) }
    }
}
