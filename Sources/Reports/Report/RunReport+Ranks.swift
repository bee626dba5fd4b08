import Cluster

extension RunReport {
    /// How far a rank's compute time (step time minus all-reduce wait) may exceed the median over the ranks
    /// before it is flagged as a straggler. In data-parallel training every rank waits for the slowest in the
    /// all-reduce, so step times look alike; the compute time tells which rank the others wait for.
    static let stragglerThreshold = 1.10

    /// One rank's timing, from its `steps` records, and its `final parameters` record.
    struct RankTiming {
        let rank: Int
        var steps: [Double] = []
        var stepTime: [Double] = []
        var wait: [Double] = []
        var final: LogRecord?

        var meanStep: Double { stepTime.isEmpty ? .nan : stepTime.reduce(0, +) / Double(stepTime.count) }
        var meanWait: Double { wait.isEmpty ? 0 : wait.filter(\.isFinite).reduce(0, +) / Double(wait.count) }
        var meanCompute: Double { meanStep - meanWait }
    }

    static func rankTimings(_ logs: [LogRecord]) -> [RankTiming] {
        var byRank: [Int: RankTiming] = [:]
        for record in logs {
            if record.message == "steps", let time = record.metadata["step_time_ms"].flatMap(Double.init),
                let step = record.step ?? record.metadata["step"].flatMap(Int.init)
            {
                byRank[record.rank, default: RankTiming(rank: record.rank)].steps.append(Double(step))
                byRank[record.rank]!.stepTime.append(time)
                byRank[record.rank]!.wait.append(record.metadata["allreduce_wait_ms"].flatMap(Double.init) ?? .nan)
            } else if record.message == "final parameters" {
                byRank[record.rank, default: RankTiming(rank: record.rank)].final = record
            }
        }
        return byRank.keys.sorted().map { byRank[$0]! }
    }

    /// The ranks whose mean compute time exceeds the median by more than `stragglerThreshold`.
    static func stragglers(_ timings: [RankTiming]) -> Set<Int> {
        let computes = timings.map(\.meanCompute).filter(\.isFinite).sorted()
        guard computes.count >= 2 else { return [] }
        let middle = computes.count / 2
        let median = computes.count % 2 == 1 ? computes[middle] : (computes[middle - 1] + computes[middle]) / 2
        return Set(timings.filter { $0.meanCompute > median * stragglerThreshold }.map(\.rank))
    }

    /// Step time and all-reduce wait per rank over training, their means as stacked bars (stragglers in red),
    /// and a table with each rank's host, memory and final parameter hash.
    static func ranksSection(_ run: RunContents) -> ReportSection? {
        let timings = rankTimings(run.logs).filter { !$0.steps.isEmpty }
        guard !timings.isEmpty else { return nil }
        var section = ReportSection(id: "ranks", title: "Step time per rank")
        let slow = stragglers(timings)
        section.body.paragraph(
            "Each rank logs its own mean step time and the part of it spent waiting for the gradient all-reduce, "
                + "every train.log_every steps. Every rank waits for the slowest one, so the compute time (step time "
                + "minus wait) shows a straggler: a rank is flagged (red) when its compute time exceeds the median "
                + "over the ranks by more than \(Int((stragglerThreshold - 1) * 100 + 0.5))%.",
            cssClass: "lead")
        var figure = Figure(xLabel: "step", yLabel: "time per step (ms)", legend: .shared, panelWidth: 420)
        figure.panels.append(
            Panel(
                title: "Step time",
                series: timings.map { Series(name: "rank \($0.rank)", x: $0.steps, y: $0.stepTime) }))
        if timings.contains(where: { $0.wait.contains { $0 > 0 } }) {
            figure.panels.append(
                Panel(
                    title: "All-reduce wait",
                    series: timings.map { Series(name: "rank \($0.rank)", x: $0.steps, y: $0.wait) }))
        }
        section.body.figure(figure.svg())
        let chart = BarChart(
            title: "Mean time per step by rank",
            categories: timings.map { "rank \($0.rank)" + (slow.contains($0.rank) ? " (straggler)" : "") },
            parts: [
                .init(name: "compute", values: timings.map(\.meanCompute)),
                .init(name: "all-reduce wait", values: timings.map(\.meanWait)),
            ],
            yLabel: "ms per step", highlighted: Set(timings.indices.filter { slow.contains(timings[$0].rank) }),
            valueSuffix: " ms")
        section.body.figure(chart.svg())

        let rows = timings.map { timing -> [String] in
            let final = timing.final?.metadata ?? [:]
            return [
                "\(timing.rank)", final["host"] ?? hostName(run, rank: timing.rank),
                NumberFormat.fixed(timing.meanStep, decimals: 3),
                NumberFormat.fixed(timing.stepTime.max() ?? .nan, decimals: 3),
                NumberFormat.fixed(timing.meanCompute, decimals: 3), NumberFormat.fixed(timing.meanWait, decimals: 3),
                final["peak_rss_mb"] ?? "", final["pss_mb"] ?? "", final["fnv1a"] ?? "",
            ]
        }
        section.body.table(
            header: [
                "rank", "host", "mean step (ms)", "max step (ms)", "compute (ms)", "all-reduce wait (ms)",
                "peak RSS (MiB)", "PSS (MiB)", "parameter hash",
            ],
            rows: rows, numeric: [0, 2, 3, 4, 5, 6, 7],
            flagged: Set(timings.indices.filter { slow.contains(timings[$0].rank) }))
        let hashes = Set(timings.compactMap { $0.final?.metadata["fnv1a"] })
        if hashes.count == 1 && timings.count > 1 {
            section.body.paragraph("All \(timings.count) ranks ended with the same parameter hash.")
        } else if hashes.count > 1 {
            section.body.paragraph(
                "The ranks ended with different parameter hashes: \(hashes.sorted().joined(separator: ", ")).")
        }
        return section
    }

    /// The host of `rank` from run.json (ranks are listed in order), or "".
    static func hostName(_ run: RunContents, rank: Int) -> String {
        guard let hosts = run.info?["hosts"]?.array, rank < hosts.count else { return "" }
        return hosts[rank].string ?? ""
    }
}
