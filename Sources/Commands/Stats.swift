import ArgumentParser
import Cluster
import Datasets
import Diagnostics
import Foundation

/// `partita stats FILE.npy [--json]`: the Gaussianity statistics of the values in a `.npy` file.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gaussianity statistics of the values in a .npy file (moments, KS, Anderson-Darling, Shapiro-Wilk).",
        discussion: """
            Every value of the array counts, whatever its shape (float32, float64, uint8 or int64). KS is \
            measured against the normal fitted to the sample (its Kolmogorov p-value is then conservative) and \
            against N(0, 1); Shapiro-Wilk needs 3 to 5000 values. See docs/methods/gaussianity.md.
            """)

    @Argument(help: "A .npy file of samples (optionally gzip-compressed).")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try Runtime.reportingErrors {
            let values = try NpyFile.read(path: file).allValues()
            guard values.count >= 3 else {
                throw StatsError(file: file, problem: "has \(values.count) values; the statistics need at least 3")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw StatsError(file: file, problem: "value \(bad) is \(values[bad]); every value must be finite")
            }
            let statistics = GaussianityStatistics(sample: values)
            Console.output(json ? Self.json(statistics, file: file) : Self.text(statistics, file: file))
        }
    }

    static func json(_ statistics: GaussianityStatistics, file: String) -> String {
        var line = JSONLine()
        line.add("file", file)
        for (name, value) in statistics.fields { line.add(name, value) }
        let critical = zip(AndersonDarling.significanceLevels, statistics.andersonDarling.criticalValues)
            .map { "\(JSONLine.quoted(String($0.0))):\($0.1)" }.joined(separator: ",")
        line.add("anderson_darling_critical", raw: "{" + critical + "}")
        return line.description
    }

    static func text(_ s: GaussianityStatistics, file: String) -> String {
        let m = s.moments
        let ad = s.andersonDarling
        let critical = zip(AndersonDarling.significanceLevels, ad.criticalValues)
            .map { String(format: "%g%%: %.3f", $0.0, $0.1) }.joined(separator: ", ")
        let shapiro =
            s.shapiroWilk.map { String(format: "W = %.6f  p = %.4g", $0.statistic, $0.pValue) }
            ?? "not computed (Royston's approximation covers 3 to 5000 values)"
        return [
            "\(file): \(m.count) values",
            String(format: "mean                 %.6g", m.mean),
            String(format: "variance             %.6g", m.variance),
            String(format: "skewness             %.6g", m.skewness),
            String(format: "excess kurtosis      %.6g", m.excessKurtosis),
            String(
                format: "KS, fitted normal    D = %.6f  p = %.4g (conservative: mean and variance estimated)",
                s.ksFitted, s.ksFittedPValue),
            String(format: "KS, N(0, 1)          D = %.6f  p = %.4g", s.ksStandard, s.ksStandardPValue),
            String(format: "Anderson-Darling     A² = %.6f  p = %.4g", ad.statistic, ad.pValue),
            "                     critical values \(critical)",
            "Shapiro-Wilk         " + shapiro,
        ].joined(separator: "\n")
    }
}

/// A file that cannot be analysed, in one line naming it.
struct StatsError: Error, CustomStringConvertible {
    let file: String
    let problem: String

    var description: String { "\(file): \(problem)" }
}
