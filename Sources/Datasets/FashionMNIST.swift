/// Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; MIT licence): 28×28 grey-scale images of clothing in 10
/// balanced classes, 60 000 for training and 10 000 for testing, in MNIST's IDX format.
///
/// Debian's `dataset-fashion-mnist` package installs the four files `{train,t10k}-{images-idx3,labels-idx1}-
/// ubyte.gz` in `/usr/share/datasets/fashion-mnist`. The images are decompressed once into the cache (see
/// `DataFile`) and stay memory-mapped bytes `(count, 784)`, shared by every rank on a host; `.scale(1.0 / 255)`
/// brings them to [0, 1]. Uncompressed copies (the same names without `.gz`) are read too.
public enum FashionMNIST {
    /// Which of the two official parts to load.
    public enum Split: String, Sendable, CaseIterable {
        /// 60 000 images, files `train-*`.
        case train
        /// 10 000 images, files `t10k-*`.
        case test

        /// The file name prefix.
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// Where the Debian package puts the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// The class names, by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Loads one split. Throws `DataError.missing` naming the missing file and how to install it, or the
    /// reader's error for a damaged file. `cacheDirectory` is where the images are decompressed to (see
    /// `DecompressionCache`).
    public static func load(
        split: Split, directory: String = defaultDirectory,
        cacheDirectory: String? = DecompressionCache.defaultDirectory()
    ) throws -> Dataset {
        let images = try locate("\(split.filePrefix)-images-idx3-ubyte", in: directory)
        let labels = try locate("\(split.filePrefix)-labels-idx1-ubyte", in: directory)
        let dataset = try Dataset.idx(
            images: images, labels: labels, classCount: classNames.count, name: "fashion-mnist/\(split.rawValue)",
            cacheDirectory: cacheDirectory)
        guard dataset.featureCount == 28 * 28 else {
            throw DataError.mismatch(
                path: images, problem: "images have \(dataset.featureCount) pixels, Fashion-MNIST's have 784 (28×28)")
        }
        return dataset
    }

    /// The path of `name.gz` in `directory`, or of `name` if only the uncompressed file is there.
    static func locate(_ name: String, in directory: String) throws -> String {
        let compressed = "\(directory)/\(name).gz"
        if FileStatus.of(path: compressed) != nil { return compressed }
        if FileStatus.of(path: "\(directory)/\(name)") != nil { return "\(directory)/\(name)" }
        throw DataError.missing(
            path: compressed,
            problem: "missing; install Fashion-MNIST with `apt-get install dataset-fashion-mnist`, or give the "
                + "directory that holds the four files")
    }
}
