import Cluster

extension RunReport {
    /// The most log records of warning level or above a report lists.
    static let problemLimit = 200

    /// Warnings and errors from every rank's log, in time order.
    static func problemsSection(_ run: RunContents) -> ReportSection? {
        let problems = run.logs.filter { LogFilter(minimumLevel: "warning").accepts($0) }
        guard !problems.isEmpty else { return nil }
        var section = ReportSection(id: "problems", title: "Warnings and errors")
        if problems.count > problemLimit {
            section.body.paragraph(
                "The first \(problemLimit) of \(problems.count) (see `partita logs --level warning`).")
        }
        section.body.table(
            header: ["time (UTC)", "rank", "level", "message"],
            rows: problems.prefix(problemLimit).map { record in
                let metadata = record.metadata.keys.sorted().map { "\($0)=\(record.metadata[$0]!)" }
                return [
                    LogFormat.timestamp(record.time), "\(record.rank)", record.level,
                    ([record.message] + metadata).joined(separator: " "),
                ]
            }, numeric: [1])
        return section
    }

    /// What ran where: run.json's fields, the hosts with their ranks, and the resolved config.
    static func setupSection(_ run: RunContents) -> ReportSection? {
        guard run.info != nil || run.configYAML != nil else { return nil }
        var section = ReportSection(id: "setup", title: "Run, hosts and config")
        if let info = run.info {
            var rows: [[String]] = []
            for key in ["name", "status", "error", "world_size", "seed", "resumed_from_step", "start", "end"] {
                if let value = info[key], value != .null { rows.append([key, value.text]) }
            }
            if let seconds = duration(run) { rows.append(["duration", NumberFormat.short(seconds, digits: 3) + " s"]) }
            if let command = info["command"]?.array?.compactMap(\.string) {
                rows.append(["command", command.joined(separator: " ")])
            }
            for (key, value) in (info["versions"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                rows.append(["version: \(key)", value.text])
            }
            section.body.table(header: ["", "value"], rows: rows)
            let hosts = info["hosts"]?.array?.compactMap(\.string) ?? []
            if !hosts.isEmpty {
                var ranksByHost: [String: [Int]] = [:]
                for (rank, host) in hosts.enumerated() { ranksByHost[host, default: []].append(rank) }
                let order = hosts.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                section.body.heading("Hosts", level: 3)
                section.body.table(
                    header: ["host", "ranks"],
                    rows: order.map { [$0, ranksByHost[$0]!.map(String.init).joined(separator: ", ")] })
            }
        }
        if let yaml = run.configYAML {
            section.body.heading("config.yaml", level: 3)
            section.body.preformatted(yaml)
        }
        return section
    }
}
