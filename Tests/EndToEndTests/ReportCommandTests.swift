import Foundation
import TestSupport
import Testing

/// `partita train` writes the report of its own run; `partita report` and `partita plot` as a user runs them.
@Suite(.serialized) struct ReportCommandTests {
    /// Trains the digits default for 2 epochs (44 steps, 0.5 s) into a fresh directory.
    static func train(_ settings: [String] = []) throws -> String {
        let directory = BuiltProducts.temporaryDirectory("partita-report")
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "train.epochs=2"]
                + settings.flatMap { ["--set", $0] })
        #expect(output.status == 0, "stderr: \(output.stderr)")
        return directory + "/digits-mlp"
    }

    /// The records of one split of metrics.jsonl.
    static func metrics(_ run: String, split: String) throws -> [[String: Any]] {
        try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap {
            let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            return object?["split"] as? String == split ? object : nil
        }
    }

    static func stepsRecords(_ run: String, rank: Int) throws -> Int {
        try String(contentsOfFile: RunFiles.rankLog(run, rank: rank), encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("\"message\":\"steps\"") }.count
    }

    /// Within 1e-12 relative: the reference values are read with JSONSerialization, which on Linux can round
    /// the last bit differently from the shortest representation the run wrote.
    static func close(_ a: Double?, _ b: Double) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= 1e-12 * max(1, abs(b))
    }

    /// The report `train` writes at the end holds the run's own numbers: each curve has one point per record
    /// of metrics.jsonl and ends at its last value (accuracy in percent).
    @Test func trainWritesTheReportOfItsRun() throws {
        let run = try Self.train()
        let page = try ReportPage(contentsOfFile: run + "/report.html")
        #expect(page.sectionIDs == ["training", "ranks", "setup"])

        let train = try Self.metrics(run, split: "train")
        let validation = try Self.metrics(run, split: "validation")
        let finalValidation = try #require(validation.last)
        let curves = page.series(in: "training")
        let validationCurves = curves.filter { $0.name == "validation" }
        #expect(validationCurves.count == 2)
        #expect(validationCurves.allSatisfy { $0.points == validation.count })
        #expect(Self.close(validationCurves.first?.last, try #require(finalValidation["loss"] as? Double)))
        let accuracy = try #require(finalValidation["accuracy"] as? Double)
        #expect(Self.close(validationCurves.last?.last, 100 * accuracy))
        #expect(page.text(in: "training").contains(String(format: "%.2f%%", 100 * accuracy)))
        let trainCurves = curves.filter { $0.name == "train" }
        #expect(trainCurves.count == 2 && trainCurves.allSatisfy { $0.points == train.count })
        #expect(Self.close(trainCurves.first?.last, try #require(train.last?["loss"] as? Double)))

        #expect(page.series(in: "ranks").map(\.name) == ["rank 0"])
        #expect(page.series(in: "ranks").first?.points == (try Self.stepsRecords(run, rank: 0)))
        let info = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/run.json")))
                as? [String: Any])
        let host = try #require((info["hosts"] as? [String])?.first)
        #expect(page.text(in: "setup").contains(host))
        #expect(page.text(in: "setup").contains("epochs: 2"))
        // Self-contained: nothing is fetched from elsewhere.
        #expect(!page.text.contains("<script") && !page.text.contains("src=\"http") && !page.text.contains("@import"))
    }

    /// A real Alrao run: the report's posterior curve of every copy ends at the posterior metrics.jsonl last
    /// recorded, and the bars are that posterior.
    @Test func alraoRunShowsTheSwitchPosterior() throws {
        let run = try Self.train(["optimizer.name=alrao"])
        let page = try ReportPage(contentsOfFile: run + "/report.html")
        #expect(page.sectionIDs == ["training", "ranks", "alrao", "setup"])
        let records = try Self.metrics(run, split: "alrao")
        // Decoded with JSONDecoder, which rounds correctly (JSONSerialization on Linux can be an ulp off), so the
        // report's values are compared exactly.
        struct Record: Decodable { let posterior: [Double] }
        let lastLine = try #require(
            try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").last {
                $0.contains("\"split\":\"alrao\"")
            })
        let posterior = try JSONDecoder().decode(Record.self, from: Data(lastLine.utf8)).posterior
        #expect(posterior.count > 1)
        let curves = page.series(in: "alrao")
        for (copy, probability) in posterior.enumerated() {
            let curve = try #require(curves.first { $0.name.hasPrefix("copy \(copy) (lr ") }, "copy \(copy)")
            #expect(curve.points == records.count)
            #expect(curve.last == probability, "copy \(copy)")
        }
        #expect(page.bars(in: "alrao").map(\.total) == posterior)
    }

    /// A real grouped-Newton run: each subset's learning-rate curve ends at the rates of the last refresh.
    @Test func groupedNewtonRunShowsTheRatesPerSubset() throws {
        let run = try Self.train(["optimizer.name=grouped-newton"])
        let page = try ReportPage(contentsOfFile: run + "/report.html")
        #expect(page.sectionIDs == ["training", "ranks", "grouped-newton", "setup"])
        struct Record: Decodable {
            let subsets: [String]
            let lr: [Double]
        }
        let records = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"split\":\"grouped-newton\"") }
        let last = try JSONDecoder().decode(Record.self, from: Data(try #require(records.last).utf8))
        let curves = page.series(in: "grouped-newton")
        for (subset, rate) in zip(last.subsets, last.lr) {
            let curve = try #require(curves.first { $0.name == subset }, "\(subset)")
            #expect(curve.points == records.count && curve.last == rate, "\(subset)")
        }
    }

    @Test func reportCanBeDisabledAndWrittenOnDemand() throws {
        let run = try Self.train(["run.report=false"])
        #expect(!FileManager.default.fileExists(atPath: run + "/report.html"))
        let target = run + "/elsewhere.html"
        let output = try BuiltProducts.run(BuiltProducts.partita, ["report", run, "-o", target])
        #expect(output.status == 0, "\(output.stderr)")
        let page = try ReportPage(contentsOfFile: target)
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: target)[.size] as? Int)
        #expect(output.stdout == "report: \(target) (\(bytes) bytes)\n")
        #expect(page.sectionIDs.contains("training"))
    }

    /// A run that fails on the coordinator still leaves a report: it says the run failed, with the error,
    /// and shows the steps that ran.
    @Test func aFailedRunLeavesAReportThatSaysSo() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-report-failed")
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "train.log_every=2"],
            environment: ["PARTITA_FAULT": "nan:rank=0:step=12"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("the training loss became nan at step 12"), "\(output.stderr)")
        let page = try String(contentsOfFile: directory + "/digits-mlp/report.html", encoding: .utf8)
        #expect(page.contains("The run failed: "), "no failure notice in the report")
        #expect(page.contains("the training loss became nan at step 12"))
        #expect(try ReportPage(contentsOfFile: directory + "/digits-mlp/report.html").sectionIDs.contains("training"))
    }

    @Test func aTruncatedMetricsLineIsReportedAndTheRestShown() throws {
        let run = try Self.train(["run.report=false"])
        let trainRecords = try Self.metrics(run, split: "train").count
        let handle = try #require(FileHandle(forWritingAtPath: run + "/metrics.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\":50,\"split\":\"tra".utf8))
        try handle.close()
        let output = try BuiltProducts.run(BuiltProducts.partita, ["report", run])
        #expect(output.status == 0, "\(output.stderr)")
        let page = try ReportPage(contentsOfFile: run + "/report.html")
        #expect(page.text.contains("1 truncated line in metrics.jsonl was skipped"))
        #expect(page.series(in: "training").first { $0.name == "train" }?.points == trainRecords)
    }

    @Test(arguments: [
        ("/nonexistent/run", "partita: error: /nonexistent/run: not a Partita run directory: no such directory"),
        ("/tmp", "partita: error: /tmp: not a Partita run directory: it has no config.yaml"),
    ])
    func aBadRunDirectoryIsOneLine(_ path: String, _ expected: String) throws {
        for command in [["report", path], ["logs", path]] {
            let output = try BuiltProducts.run(BuiltProducts.partita, command)
            #expect(output.status == 1, "\(command)")
            #expect(output.stderr == expected + "\n", "\(command)")
        }
    }

    /// Headless Chromium (Debian's `chromium`, installed by deploy/install-deps --test) renders the report of
    /// a real run; the screenshot has ink on it. The same check on an empty page finds none, so it can fail.
    @Test func chromiumRendersTheReport() throws {
        let run = try Self.train()
        let rendered = try Self.screenshot(run + "/report.html")
        #expect(rendered.width == 1280 && rendered.height == 2000)
        // Measured: 4.3% of the pixels of the first 2000 rows of a digits report carry ink (curves, text, table
        // rules); an empty page has none (checked below).
        let ink = rendered.nonWhiteFraction()
        #expect(ink > 0.01, "only \(ink) of the pixels are not white")
        let blankPage = run + "/blank.html"
        try "<!DOCTYPE html><html><body></body></html>".write(toFile: blankPage, atomically: true, encoding: .utf8)
        #expect(try Self.screenshot(blankPage).nonWhiteFraction() < 0.001)
    }

    static func screenshot(_ page: String) throws -> PNGImage {
        let chromium = "/usr/bin/chromium"
        try #require(
            FileManager.default.isExecutableFile(atPath: chromium),
            "chromium is not installed: deploy/install-deps --test installs Debian's chromium")
        let directory = BuiltProducts.temporaryDirectory("partita-chromium")
        let png = directory + "/page.png"
        let output = try BuiltProducts.run(
            "/usr/bin/timeout",
            [
                "120", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=\(directory)/profile", "--screenshot=\(png)", "--window-size=1280,2000",
                "file://" + page,
            ])
        try #require(FileManager.default.fileExists(atPath: png), "chromium wrote no screenshot: \(output.stderr)")
        return try PNGImage(path: png)
    }

    @Test func plotDrawsAFigureSpec() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-plot")
        let spec = directory + "/spec.json"
        try """
        {"title": "KS distance", "x_label": "width", "y_label": "D", "x_log": true, "y_log": false,
         "panels": [{"title": "A", "series": [{"name": "odd θ=3", "x": [10, 100], "y": [0.02, 0.0072]}]},
                    {"title": "B", "series": [{"name": "odd θ=3", "x": [10, 100], "y": [0.03, 0.01]}]}]}
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let output = try BuiltProducts.run(BuiltProducts.partita, ["plot", spec, "-o", directory + "/fig.svg"])
        #expect(output.status == 0, "\(output.stderr)")
        let figure = try ReportPage(contentsOfFile: directory + "/fig.svg")
        #expect(figure.series().map(\.last) == [0.0072, 0.01])

        try "{\"panels\": [{\"series\": [{\"name\": \"s\", \"x\": [1], \"y\": []}]}]}".write(
            toFile: spec, atomically: true, encoding: .utf8)
        let bad = try BuiltProducts.run(BuiltProducts.partita, ["plot", spec, "-o", directory + "/bad.svg"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "partita: error: \(spec): panels[0].series[0] (s): 1 x values but 0 y values\n")
        #expect(!FileManager.default.fileExists(atPath: directory + "/bad.svg"))
    }
}
