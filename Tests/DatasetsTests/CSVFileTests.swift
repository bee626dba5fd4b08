import Foundation
import Testing

@testable import Datasets

/// The CSV reader on small hand-written files whose parsed values are known.
@Suite struct CSVFileTests {
    func withFile<R>(_ text: String, name: String = "x.csv", _ body: (String) throws -> R) throws -> R {
        try Fixtures.withTemporaryDirectory { directory in
            let path = "\(directory)/\(name)"
            try Fixtures.write(text, to: path)
            return try body(path)
        }
    }

    @Test func readsFeaturesAndLabelsWithAHeader() throws {
        try withFile("a,b,label\n1,2,0\n3.5 , -4e2,1\r\n\n\"0x1p-2\",7,2\n") { path in
            for header in [CSVFile.Header.auto, .present] {
                let (features, labels) = try CSVFile.read(path: path, header: header)
                #expect(features.rows == 3 && features.columns == 2 && features.elementType == .float64)
                #expect(features.allValues() == [1, 2, 3.5, -400, 0.25, 7])
                #expect(labels == [0, 1, 2])
            }
            let first = try CSVFile.read(path: path, labelColumn: 0)
            #expect(first.features.allValues() == [2, 0, -400, 1, 7, 2] && first.labels == [1, 3.5, 0.25])
            let middle = try CSVFile.read(path: path, labelColumn: -2)
            #expect(middle.features.allValues() == [1, 0, 3.5, 1, 0.25, 2] && middle.labels == [2, -400, 7])
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: path, header: .absent) }
                    == "\(path): line 1, column 1: 'a' is not a number")
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: path, labelColumn: 3) }
                    == "\(path): label column 3 does not exist: rows have 3 columns (use 0...2, or -1 for the last)")
        }
        // Without a header, .auto keeps the first line.
        try withFile("1,2,0\n3,4,1\n") { path in
            let (features, labels) = try CSVFile.read(path: path)
            #expect(features.rows == 2 && labels == [0, 1])
        }
    }

    @Test func gzipCompressedCSVReadsTheSame() throws {
        try withFile("f1,f2,y\n0.5,1,3\n2,4.25,1\n") { path in
            try Fixtures.gzip(path, to: path + ".gz")
            let plain = try CSVFile.read(path: path)
            let compressed = try CSVFile.read(path: path + ".gz")
            #expect(plain.features.allValues() == compressed.features.allValues() && plain.labels == compressed.labels)
            #expect(compressed.labels == [3, 1])
        }
    }

    @Test func badCellsNameLineAndColumn() throws {
        try withFile("1,2,3,4,5,6\n1,2,3,4,5,6\n1,2,3,4,abc,6\n") { path in
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: path) }
                    == "\(path): line 3, column 5: 'abc' is not a number")
        }
        try withFile("1,2,3\n4,5,6\n7,8,9,10\n") { path in
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: path) }
                    == "\(path): line 3 has 4 cells, line 1 has 3; every row needs the same number of cells")
        }
        try withFile("h1,h2\n1,2\n3,nan\n") { path in
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: path) }
                    == "\(path): line 3, column 2: 'nan' is not a finite number")
        }
        try withFile("1,2\n3,\n") { path in
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: path) }
                    == "\(path): line 2, column 2: empty cell; every cell must hold a number")
        }
        try withFile("") { path in
            #expect(Fixtures.errorDescription { _ = try CSVFile.read(path: path) } == "\(path): empty file")
        }
        try withFile("only,a,header\n\n") { path in
            #expect(
                Fixtures.errorDescription { _ = try CSVFile.read(path: path) }
                    == "\(path): no data rows (only a header line or blank lines)")
        }
    }

    @Test func classLabelsAreChecked() throws {
        try withFile("1,2,0\n3,4,2.5\n") { path in
            #expect(
                Fixtures.errorDescription { _ = try Dataset.csv(path: path) }
                    == "\(path): row 1 (counting from 0): label 2.5 is not a class index (a whole number ≥ 0); if "
                    + "these are regression targets, read them as values")
            let regression = try Dataset.csv(path: path, labels: .values)
            guard case .values(let values) = regression.targets else {
                Issue.record("expected values")
                return
            }
            #expect(values.storage == [0, 2.5] && values.columns == 1)
        }
        try withFile("1,2,0\n3,4,1\n5,6,3\n") { path in
            #expect(
                Fixtures.errorDescription { _ = try Dataset.csv(path: path, classCount: 3) }
                    == "\(path): row 2 (counting from 0): label 3 is outside 0..<3 (3 classes)")
            let inferred = try Dataset.csv(path: path)
            #expect(inferred.classCount == 4)
        }
    }
}
