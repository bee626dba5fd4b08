import Foundation
import Testing

@testable import Datasets

/// The bundled digits set against scikit-learn's published facts, and Fashion-MNIST (Debian package
/// `dataset-fashion-mnist`) against an independent reader: Python's `gzip` module with `numpy.frombuffer`.
@Suite struct BundledDataTests {
    @Test func digitsMatchScikitLearn() throws {
        let digits = try BundledDigits.load()
        #expect(digits.count == 1797 && digits.featureCount == 64 && digits.classCount == 10)
        // `np.bincount(load_digits().target)`.
        #expect(digits.classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        // The first line of digits.csv.gz.
        let firstRow: [Double] = [
            0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
            0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0,
        ]
        #expect(digits.features.row(0) == firstRow)
        #expect(digits.targets.classLabels(rows: [0, 1, 2, 1796]) == [0, 1, 2, 8])
        let all = digits.features.allValues()
        #expect(all.min() == 0 && all.max() == 16)
    }

    static let fashionCache = FileManager.default.temporaryDirectory.appendingPathComponent("partita-tests-cache").path

    /// Per split: the row count, the label counts, the first ten labels and the pixel sums of three images.
    static let pythonReference = """
        import gzip, sys, numpy as np
        d, prefix = sys.argv[1], sys.argv[2]
        images = np.frombuffer(gzip.open(f'{d}/{prefix}-images-idx3-ubyte.gz').read(), np.uint8, offset=16)
        labels = np.frombuffer(gzip.open(f'{d}/{prefix}-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)
        images = images.reshape(len(labels), 784).astype(np.int64)
        n = len(labels)
        print(n)
        print(' '.join(map(str, np.bincount(labels, minlength=10))))
        print(' '.join(map(str, labels[:10])))
        print(' '.join(str(images[i].sum()) for i in [0, 1, n - 1]))
        """

    @Test(arguments: [FashionMNIST.Split.train, .test])
    func fashionMNISTMatchesPython(split: FashionMNIST.Split) throws {
        let data = try FashionMNIST.load(split: split, cacheDirectory: Self.fashionCache)
        let prefix = split == .train ? "train" : "t10k"
        let lines = try Fixtures.python(Self.pythonReference, [FashionMNIST.defaultDirectory, prefix])
            .split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
        let count = split == .train ? 60000 : 10000
        #expect(lines[0] == [count])
        #expect(data.count == count && data.featureCount == 784 && data.classCount == 10)
        #expect(data.features.elementType == .uint8)
        #expect(data.features.mappedFilePath?.hasPrefix(Self.fashionCache) == true)
        #expect(data.classCounts == [Int](repeating: count / 10, count: 10))
        #expect(data.classCounts == lines[1])
        #expect(data.targets.classLabels(rows: Array(0..<10)).map(Int.init) == lines[2])
        let sums = [0, 1, count - 1].map { Int(data.features.row($0).reduce(0, +)) }
        #expect(sums == lines[3])
    }

    @Test func missingFashionMNISTSaysHowToInstall() throws {
        try Fixtures.withTemporaryDirectory { directory in
            #expect(
                Fixtures.errorDescription { _ = try FashionMNIST.load(split: .test, directory: directory) }
                    == "\(directory)/t10k-images-idx3-ubyte.gz: missing; install Fashion-MNIST with `apt-get install "
                    + "dataset-fashion-mnist`, or give the directory that holds the four files")
        }
    }
}
