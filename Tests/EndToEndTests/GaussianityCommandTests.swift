import Foundation
import TestSupport
import Testing

/// `partita stats`, `gaussianity` and `eoc` as a user runs them, and the Gaussianity diagnostics of training
/// under `mpirun`: N ranks give the numbers of one rank.
@Suite(.serialized) struct GaussianityCommandTests {
    static func json(_ text: some StringProtocol) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func number(_ object: [String: Any], _ key: String) -> Double {
        (object[key] as? NSNumber)?.doubleValue ?? .nan
    }

    /// A float64 `.npy` of the 11 weights of Shapiro & Wilk (1965): W and A² as scipy 1.17.1 computes them.
    @Test func statsOfANpyFile() throws {
        let directory = BuiltProducts.temporaryDirectory()
        let values: [Double] = [148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236]
        let path = directory + "/men.npy"
        try Data(BadInputTests.npyHeader("<f8", "(11,)") + values.withUnsafeBytes { Array($0) })
            .write(to: URL(fileURLWithPath: path))
        let output = try BuiltProducts.run(BuiltProducts.partita, ["stats", path, "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try Self.json(output.stdout)
        #expect(object["n"] as? Int == 11)
        #expect(abs(Self.number(object, "mean") - 172) < 1e-12)
        #expect(abs(Self.number(object, "shapiro_w") - 0.7888146948631716) < 1e-6)
        #expect(abs(Self.number(object, "anderson_darling") - 0.9467718795988862) < 1e-10)
        let text = try BuiltProducts.run(BuiltProducts.partita, ["stats", path])
        #expect(text.status == 0 && text.stdout.contains("Shapiro-Wilk         W = 0.788815"), "\(text.stdout)")
    }

    /// The paper's value for the odd pair at θ = 3 and widths [10, 10, 1]: KS = 0.0072 from 200 000 samples
    /// (methods.md 1.5). With the same count, 2 ranks. The sampling noise of D here, measured in numpy over 8
    /// seeds, is 0.0076 ± 0.0007 (sd); the bound |D − 0.0072| < 0.0025 allows 3.5 sd around the paper's value.
    @Test func ksOfTheOddPairMatchesThePaper() throws {
        let output = try MPIRun.partita(
            ranks: 2,
            [
                "gaussianity", "--widths", "10,10", "--activation", "weibull-odd", "--theta", "3", "--samples",
                "200000",
                "--json",
            ])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try Self.json(output.stdout)
        #expect(object["ranks"] as? Int == 2)
        let result = try #require((object["results"] as? [[String: Any]])?.first)
        let ks = Self.number(result, "ks")
        #expect(abs(ks - 0.0072) < 0.0025, "KS = \(ks)")
        // The construction keeps the variance near 1 (the surrogate φ gives E[W²]·E[φ²] = 0.980 at q = 1).
        #expect(abs(Self.number(result, "variance") - 1) < 0.05)
    }

    /// The samples are split across ranks by sample index and every sample has its own random words, so 2 and
    /// 3 ranks reproduce one rank's KS distances, means and variances exactly (the gathered samples are the same
    /// numbers in the same order). 16 networks (7 θ × 2 families, relu, tanh) at widths [3, 2], 20 000 samples.
    @Test func ranksReproduceOneRank() throws {
        let arguments = ["gaussianity", "--widths", "3,2", "--samples", "20000", "--json"]
        let single = try BuiltProducts.run(BuiltProducts.partita, arguments)
        #expect(single.status == 0, "\(single.stderr)")
        let reference = try #require(try Self.json(single.stdout)["results"] as? [[String: Any]])
        #expect(reference.count == 16)
        for ranks in [2, 3] {
            let output = try MPIRun.partita(ranks: ranks, arguments)
            #expect(output.status == 0, "\(output.stderr)")
            let results = try #require(try Self.json(output.stdout)["results"] as? [[String: Any]])
            #expect(results.count == reference.count)
            for (a, b) in zip(results, reference) {
                #expect(a["network"] as? String == b["network"] as? String)
                for key in ["ks", "mean", "variance"] {
                    #expect(Self.number(a, key) == Self.number(b, key), "\(ranks) ranks, \(a["network"]!) \(key)")
                }
            }
        }
    }

    /// `--output` writes the table, the raw numbers and a figure spec in the format of `partita plot`.
    @Test func panelsWriteTableNumbersAndFigureSpec() throws {
        let directory = BuiltProducts.temporaryDirectory()
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            [
                "gaussianity", "--samples", "2000", "--max-width", "3", "--activation", "weibull-odd,relu", "--theta",
                "3", "--output", directory,
            ])
        #expect(output.status == 0, "\(output.stderr)")
        let table = try String(contentsOfFile: directory + "/ks.md", encoding: .utf8)
        #expect(table.contains("| odd θ=3 |") && table.contains("| relu |"), "\(table)")
        let numbers = try Self.json(try String(contentsOfFile: directory + "/ks.json", encoding: .utf8))
        #expect((numbers["results"] as? [[String: Any]])?.count == 3 * 2 * 3)
        let spec = try Self.json(try String(contentsOfFile: directory + "/ks-figure.json", encoding: .utf8))
        #expect(spec["title"] is String && spec["x_label"] is String && spec["y_label"] is String)
        #expect(spec["x_log"] as? Bool == false && spec["y_log"] as? Bool == true)
        let panels = try #require(spec["panels"] as? [[String: Any]])
        #expect(panels.count == 3)
        for panel in panels {
            #expect(panel["title"] is String)
            let series = try #require(panel["series"] as? [[String: Any]])
            #expect(series.map { $0["name"] as? String } == ["odd θ=3", "relu"])
            for curve in series {
                #expect(curve["x"] as? [Double] == [1, 2, 3])
                #expect((curve["y"] as? [Double])?.count == 3)
            }
        }
    }

    @Test func eocOfTheTanhBaseline() throws {
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            [
                "eoc", "--activation", "tanh", "--sigma-w", "1.2083045973594573", "--sigma-b", "0.11401754250991379",
                "--json",
            ])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try Self.json(output.stdout)
        #expect(abs(Self.number(object, "chi1") - 0.99886) < 1e-5, "χ₁ = \(Self.number(object, "chi1"))")
        #expect(abs(Self.number(object, "q_star") - 0.30293975580661603) < 1e-9)
        let bad = try BuiltProducts.run(
            BuiltProducts.partita, ["eoc", "--activation", "weibull-positive", "--theta", "6"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("valid θ: 2.05, 2.5, 3, 4, 5, 7, 10"), "\(bad.stderr)")
    }

    static func records(_ run: String) throws -> [String: [String: Any]] {
        var result = [String: [String: Any]]()
        for line in try String(contentsOfFile: run + "/gaussianity.jsonl", encoding: .utf8).split(separator: "\n") {
            let object = try json(line)
            result["\(object["step"]!)/\(object["layer"]!)"] = object
        }
        return result
    }

    /// Training diagnostics on 2 ranks equal those on 1 rank on the same probe batch (301 rows, an uneven split):
    /// moments to 1e-10 relative (the mean relative to the deviation: it can be near 0), the tests on the
    /// gathered subsample to 1e-10, the subsample itself to 1e-10, in Double. (The parameters of the two runs
    /// differ by rounding only: see `DistributedTests.nRanksEqualOneRankWithNTimesTheBatch`.)
    @Test func trainingDiagnosticsTwoRanksEqualOneRank() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-gauss-ddp")
        let settings = [
            "model.dtype=float64", "model.hidden=[32,16]", "data.batch_size=60", "train.max_steps=6",
            "diagnostics.gaussianity_every=3", "diagnostics.probe_size=301", "diagnostics.subsample=1500",
        ]
        var runs = [String]()
        for ranks in [1, 2] {
            let name = "ranks-\(ranks)"
            let output = try MPIRun.partita(
                ranks: ranks,
                ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "run.name=\(name)"]
                    + settings.flatMap { ["--set", $0] })
            #expect(output.status == 0, "\(ranks) ranks: \(output.stderr)")
            runs.append("\(directory)/\(name)")
        }
        let one = try Self.records(runs[0])
        let two = try Self.records(runs[1])
        #expect(one.count == 3 * 3 && Set(one.keys) == Set(two.keys))
        let keys = [
            "variance", "skewness", "excess_kurtosis", "ks_fitted", "ks_fitted_p", "ks_standard", "ks_standard_p",
            "anderson_darling", "anderson_darling_p", "shapiro_w", "shapiro_p",
        ]
        for (id, a) in one {
            let b = try #require(two[id])
            #expect(a["n"] as? Int == b["n"] as? Int && a["tested"] as? Int == b["tested"] as? Int)
            let deviation = Self.number(a, "variance").squareRoot()
            #expect(abs(Self.number(a, "mean") - Self.number(b, "mean")) < 1e-10 * deviation, "\(id) mean")
            for key in keys {
                let (x, y) = (Self.number(a, key), Self.number(b, key))
                #expect(abs(x - y) <= 1e-10 * max(abs(y), 1e-300), "\(id) \(key): \(x) vs \(y)")
            }
        }
        #expect(one["0/0"]?["n"] as? Int == 301 * 32)
        let probes = try runs.map { run in
            try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: run + "/gaussianity-probe.json"))) as? [String: Any])
        }
        let layers = probes.map { ($0["layers"] as? [[String: Any]] ?? []).map { $0["samples"] as? [Double] ?? [] } }
        #expect(layers[0].map(\.count) == [1500, 1500, 1500])
        for (a, b) in zip(layers[0], layers[1]) {
            #expect(Tolerance.relativeError(b, a) < 1e-10)
        }
    }
}
