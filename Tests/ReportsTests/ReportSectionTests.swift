import Cluster
import Foundation
import TestSupport
import Testing

@testable import Reports

/// The report of hand-written run directories: every section renders its documented data, missing parts
/// are left out, damaged lines are reported. (Real runs are in EndToEndTests/ReportCommandTests.)
@Suite struct ReportSectionTests {
    static func render(_ fixture: RunFixture) throws -> ReportPage {
        try ReportPage(RunReport.html(RunContents.read(try RunDirectory(existing: fixture.path))))
    }

    @Test func everySectionRendersTheFixtureData() throws {
        let page = try Self.render(.complete())
        #expect(
            page.sectionIDs == [
                "training", "ranks", "gaussianity", "alrao", "grouped-newton", "gauss-newton", "export", "problems",
                "setup",
            ])

        // Training: each split's curve ends at the fixture's last value (accuracy in percent), one point per record.
        let training = page.series(in: "training")
        let validation = try #require(training.last { $0.name == "validation" })
        #expect(validation.points == 2)
        #expect(validation.last == 100 * RunFixture.finalValidationAccuracy)
        #expect(training.first { $0.name == "train" }?.points == RunFixture.steps.count)
        #expect(training.first { $0.name == "train" }?.last == 2.0 / 100)
        #expect(training.contains { $0.name == "test" && $0.points == 1 })

        // Ranks: three ranks, rank 2 computes 6 ms against 4 ms and is flagged; the others wait for it.
        let ranks = page.series(in: "ranks")
        #expect(Set(ranks.map(\.name)) == ["rank 0", "rank 1", "rank 2"])
        #expect(ranks.allSatisfy { $0.points == RunFixture.steps.count })
        let bars = page.bars(in: "ranks")
        #expect(bars.map(\.category) == ["rank 0", "rank 1", "rank 2 (straggler)"])
        #expect(bars.allSatisfy { abs($0.total - 6.2) < 1e-9 }, "\(bars)")
        #expect(page.text(in: "ranks").contains("All 3 ranks ended with the same parameter hash."))

        // Gaussianity: six statistics for two layers, and a QQ-plot panel per layer with every probe sample.
        let gaussianity = page.series(in: "gaussianity")
        #expect(gaussianity.filter { $0.name == "layer 1" }.count == 6)
        let samples = gaussianity.filter { $0.name == "samples" }
        #expect(samples.map(\.points) == [RunFixture.probeSize, RunFixture.probeSize])
        #expect(page.text(in: "gaussianity").contains("QQ-plots of the last probe at step 100"))

        // Alrao: one curve per copy ending at the final posterior; the bars are that posterior.
        let alrao = page.series(in: "alrao").filter { $0.points == RunFixture.steps.count }
        for (copy, probability) in RunFixture.alraoFinalPosterior.enumerated() {
            let name = "copy \(copy) (lr \(NumberFormat.short(RunFixture.alraoRates[copy], digits: 3)))"
            let last = try #require(alrao.first { $0.name == name }?.last, "\(name)")
            #expect(abs(last - probability) < 1e-12, "\(name)")
        }
        #expect(page.bars(in: "alrao").map(\.category) == ["lr 0.0001", "lr 0.001", "lr 0.01", "lr 0.1"])

        // Grouped Newton: the applied learning rate per subset ends at the fixture's.
        let newton = page.series(in: "grouped-newton")
        for (index, rate) in RunFixture.groupedNewtonFinalLR.enumerated() {
            #expect(newton.first { $0.name == "layer \(index)" }?.last == rate)
        }
        #expect(newton.contains { $0.name == "damping" })

        // Gauss-Newton: the condition number series and its last value.
        #expect(
            page.series(in: "gauss-newton").first { $0.name == "condition" }?.last
                == RunFixture.gaussNewtonFinalCondition)

        // Export: flash parts, float vs int8 accuracy, sparsity per layer, and the other fields as text.
        let export = page.bars(in: "export")
        #expect(
            export.map(\.category) == [
                "weights", "biases", "multipliers", "lookup tables", "code", "float, before pruning", "float", "int8",
                "layer 0 (128×64)", "layer 1 (10×128)",
            ])
        #expect(abs((export.first { $0.category == "int8" }?.total ?? 0) - 95.83) < 1e-9)
        #expect(abs((export.first { $0.category == "layer 1 (10×128)" }?.total ?? 0) - 80) < 1e-9)
        let exportText = page.text(in: "export")
        #expect(exportText.contains("11544 B (11.3 KiB)"))
        #expect(
            exportText.contains("Accuracy on the test split (360 samples): float 96.11%, int8 95.83% (-0.28 points)."))
        #expect(exportText.contains("settings.prefix") && exportText.contains("digits_"))

        // A warning from rank 1, with the characters XML must escape; the hosts table.
        #expect(page.text(in: "problems").contains("slow <disk> & more"))
        #expect(page.text(in: "setup").contains("node-b"))
        #expect(page.text(in: "setup").contains("fixture & <friends>"))
    }

    /// The general Gauss-Newton optimizer's records (split `ggn`) get their own section, not the mean-field
    /// study's `gauss-newton` one: damping, ρ and CG iterations against the step, and the last values.
    @Test func ggnRecordsHaveTheirOwnSection() throws {
        let fixture = RunFixture()
        fixture.writeRunInfo()
        fixture.lines("metrics.jsonl", fixture.trainingMetrics() + fixture.ggnMetrics())
        let page = try Self.render(fixture)
        #expect(page.sectionIDs == ["training", "ggn", "setup"])
        let series = page.series(in: "ggn")
        #expect(series.map(\.name) == ["damping", "rho", "CG iterations", "train loss"])
        #expect(series.allSatisfy { $0.points == RunFixture.steps.count })
        #expect(series.first { $0.name == "damping" }?.last == RunFixture.ggnFinalDamping)
        #expect(series.first { $0.name == "rho" }?.last == 1)
        #expect(series.first { $0.name == "CG iterations" }?.last == 11)
        let text = page.text(in: "ggn")
        #expect(text.contains("1 of 10 logged steps were rejected."), "\(text)")
        #expect(text.contains("Last logged step") && text.contains("yes"), "\(text)")
    }

    /// A run directory with nothing but its config: the page is still well-formed, and has only the config.
    @Test func onlyTheConfigGivesOnlyTheSetupSection() throws {
        let page = try Self.render(RunFixture())
        #expect(page.sectionIDs == ["setup"])
    }

    /// Training metrics alone: no per-rank, diagnostics, method or export sections (omitted, not empty).
    @Test func missingOptionalPartsAreOmitted() throws {
        let fixture = RunFixture()
        fixture.writeRunInfo()
        fixture.lines("metrics.jsonl", fixture.trainingMetrics())
        let page = try Self.render(fixture)
        #expect(page.sectionIDs == ["training", "setup"])
        #expect(!page.text.contains("could not") && !page.text.contains("skipped"))
    }

    @Test func aTruncatedLastLineIsReportedAndTheRestShown() throws {
        let fixture = RunFixture()
        let records = fixture.trainingMetrics()
        fixture.write("metrics.jsonl", records.map { $0 + "\n" }.joined() + "{\"step\":110,\"split\":\"tra")
        fixture.rankLogs()
        let rank1 = try String(contentsOfFile: fixture.path + "/ranks/rank-0001.jsonl", encoding: .utf8)
        fixture.write("ranks/rank-0001.jsonl", rank1 + "{\"time\":17673230")
        let page = try Self.render(fixture)
        #expect(page.text.contains("1 truncated line in metrics.jsonl was skipped"))
        #expect(page.text.contains("1 truncated line in ranks/rank-0001.jsonl was skipped"))
        #expect(page.series(in: "training").first { $0.name == "train" }?.points == RunFixture.steps.count)
        // Step time and all-reduce wait of each rank, all steps of rank 1 before its truncated line.
        #expect(page.series(in: "ranks").map(\.name) == ["rank 0", "rank 1", "rank 2", "rank 0", "rank 1", "rank 2"])
        #expect(page.series(in: "ranks").allSatisfy { $0.points == RunFixture.steps.count })
    }

    @Test func damagedFilesAreNotedAndTheirSectionsLeftOut() throws {
        let fixture = RunFixture()
        fixture.lines("metrics.jsonl", ["{\"step\":10,\"split\":\"train\",\"loss\":1}", "garbage", "[1,2]"])
        fixture.write("export/export.json", "{\"flash_bytes\": ")
        fixture.write("run.json", "not json")
        let page = try Self.render(fixture)
        #expect(page.text.contains("2 lines of metrics.jsonl (line 2, 3) not valid JSON; skipped"))
        #expect(page.text.contains("export/export.json is not a readable JSON object"))
        #expect(page.text.contains("run.json is not a readable JSON object"))
        #expect(page.sectionIDs == ["training", "setup"])
    }

    @Test func aMissingRunDirectoryIsOneLine() throws {
        #expect {
            try RunReport.write(runDirectory: "/nonexistent/run")
        } throws: { error in
            "\(error)" == "/nonexistent/run: not a Partita run directory: no such directory"
        }
    }

    /// export.json's `sparsity` is an array of objects per layer (as `ExportReport` writes it); anything else
    /// shows no sparsity.
    @Test func sparsityPerLayer() throws {
        let layers = RunReport.sparsityByLayer(
            JSONValue(parsing: "[{\"layer\":0,\"outputs\":4,\"inputs\":3,\"zeros\":6,\"sparsity\":0.5}]"))
        #expect(layers?.map(\.0) == ["layer 0 (4×3)"] && layers?.map(\.1) == [50])
        #expect(RunReport.sparsityByLayer(JSONValue(parsing: "\"x\"")) == nil)
    }

    @Test func straggler() {
        func timing(_ rank: Int, step: Double, wait: Double) -> RunReport.RankTiming {
            var timing = RunReport.RankTiming(rank: rank)
            timing.steps = [10]
            timing.stepTime = [step]
            timing.wait = [wait]
            return timing
        }
        // Compute times 4, 4.2, 4.8 ms: the median is 4.2, 4.8 > 1.1 × 4.2 = 4.62.
        let timings = [timing(0, step: 5, wait: 1), timing(1, step: 5, wait: 0.8), timing(2, step: 5, wait: 0.2)]
        #expect(RunReport.stragglers(timings) == [2])
        #expect(RunReport.stragglers([timing(0, step: 5, wait: 1)]).isEmpty)
        #expect(RunReport.stragglers([timing(0, step: 5, wait: 1), timing(1, step: 5.3, wait: 1)]).isEmpty)
    }
}
