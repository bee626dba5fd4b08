/// Reads comma-separated numeric tables, plain or gzip-compressed (detected by gzip's magic bytes).
///
/// Every row holds the same number of numeric cells; one of them is the label (a class index or a regression
/// target) and the others are the features. Blank lines are skipped, a trailing `\r` (Windows line ends) is
/// dropped, white space around a cell and a pair of double quotes around it are ignored. Quoted commas,
/// comments and missing values are not supported. Line and column numbers in messages count from 1, as an
/// editor shows them.
public enum CSVFile {
    /// Whether the first line holds column names.
    public enum Header: Sendable {
        /// Skip the first line if any of its cells is not a number.
        case auto
        /// Always skip the first line.
        case present
        /// Never skip the first line: it is data.
        case absent
    }

    /// The table in the CSV file at `path`: the features, `(rows, cells − 1)` as float64 in owned memory, and
    /// the label column as `Double`s.
    ///
    /// - Parameters:
    ///   - labelColumn: the index of the label cell in each row; negative values count from the end, so the
    ///     default `-1` is the last column.
    ///   - header: whether the first line is column names.
    public static func read(
        path: String, labelColumn: Int = -1, header: Header = .auto
    ) throws -> (features: FeatureStorage, labels: [Double]) {
        // The parsed values are copied into owned memory, so a decompressed file need not be cached.
        let (source, _) = try DataFile.load(path: path, cacheDirectory: nil)
        return try source.withUnsafeBytes { try parse($0, path: path, labelColumn: labelColumn, header: header) }
    }

    /// Parses CSV text (the contents of `path`, which names it in messages).
    static func parse(
        _ text: UnsafeRawBufferPointer, path: String, labelColumn: Int, header: Header
    ) throws -> (features: FeatureStorage, labels: [Double]) {
        var features: [Double] = []
        var labels: [Double] = []
        var cellCount = 0  // of the first data row; 0 until it is seen
        var firstDataLine = 0
        var labelIndex = 0
        var isFirstLine = true
        var row: [Double] = []
        var lineNumber = 0
        var lineStart = 0
        while lineStart < text.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd + 1
            if lineEnd > lineStart && text[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: text[lineStart..<lineEnd])
            lineStart = next
            let cells = line.split(separator: 0x2C, omittingEmptySubsequences: false).map(cellText)
            if cells.count == 1 && cells[0].isEmpty { continue }  // a blank line

            if isFirstLine {
                isFirstLine = false
                switch header {
                case .present: continue
                case .auto where cells.contains(where: { number($0) == nil }): continue
                default: break
                }
            }
            if cellCount == 0 {
                cellCount = cells.count
                firstDataLine = lineNumber
                guard cellCount >= 2 else {
                    throw DataError.malformed(
                        path: path,
                        problem: "line \(lineNumber) has \(cellCount) cell; need at least one feature and a label "
                            + "separated by commas")
                }
                labelIndex = labelColumn < 0 ? cellCount + labelColumn : labelColumn
                guard (0..<cellCount).contains(labelIndex) else {
                    throw DataError.mismatch(
                        path: path,
                        problem: "label column \(labelColumn) does not exist: rows have \(cellCount) columns (use "
                            + "0...\(cellCount - 1), or -1 for the last)")
                }
            }
            guard cells.count == cellCount else {
                throw DataError.malformed(
                    path: path,
                    problem: "line \(lineNumber) has \(cells.count) cells, line \(firstDataLine) has \(cellCount); "
                        + "every row needs the same number of cells")
            }
            row.removeAll(keepingCapacity: true)
            for (column, cell) in cells.enumerated() {
                guard let value = number(cell) else {
                    let problem =
                        cell.isEmpty
                        ? "empty cell; every cell must hold a number"
                        : Double(cell) != nil ? "'\(cell)' is not a finite number" : "'\(cell)' is not a number"
                    throw DataError.invalidValue(
                        path: path, problem: "line \(lineNumber), column \(column + 1): \(problem)")
                }
                if column == labelIndex { labels.append(value) } else { row.append(value) }
            }
            features.append(contentsOf: row)
        }
        guard cellCount > 0 else {
            throw DataError.malformed(path: path, problem: "no data rows (only a header line or blank lines)")
        }
        return (FeatureStorage(rows: labels.count, columns: cellCount - 1, float64: features), labels)
    }

    /// A cell's text without surrounding white space and double quotes.
    private static func cellText(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var text = Substring(String(decoding: bytes, as: UTF8.self)).trimmingWhitespace()
        if text.count >= 2 && text.first == "\"" && text.last == "\"" {
            text = text.dropFirst().dropLast().trimmingWhitespace()
        }
        return String(text)
    }

    /// The cell's value if it is a finite number (`Double`'s own parser: decimal, exponent, hexadecimal).
    private static func number(_ cell: String) -> Double? {
        guard let value = Double(cell), value.isFinite else { return nil }
        return value
    }
}

extension Substring {
    /// The substring without leading and trailing spaces, tabs, carriage returns and newlines.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[startIndex..<startIndex]
        }
        return self[first...last]
    }
}
