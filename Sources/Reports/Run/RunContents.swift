public import Cluster
import Foundation

/// Everything a report shows, read once from a run directory (the formats are in docs/run-directory.md).
///
/// Only `config.yaml` is required (it is what makes a directory a run directory); every other file is
/// optional, because a run that crashed early, ran on an older version or did not use a feature simply
/// lacks it. What could not be read is collected in `notes` and shown at the top of the report.
public struct RunContents: Sendable {
    public let directory: RunDirectory
    /// `run.json`.
    public var info: JSONValue?
    /// `config.yaml`, as written.
    public var configYAML: String?
    /// `metrics.jsonl`, in file order.
    public var metrics: [JSONValue] = []
    /// `ranks/rank-NNNN.jsonl`, merged in time order.
    public var logs: [LogRecord] = []
    /// `gaussianity.jsonl`.
    public var gaussianity: [JSONValue] = []
    /// `gaussianity-probe.json`.
    public var probe: JSONValue?
    /// `export/export.json`.
    public var export: JSONValue?
    /// One sentence per file or line that was skipped.
    public var notes: [String] = []

    /// Reads `directory`. Never throws: what is missing is left empty, what is damaged is noted.
    public static func read(_ directory: RunDirectory) -> RunContents {
        var contents = RunContents(directory: directory)
        var notes: [String] = []
        contents.info = JSONLines.readObject(path: directory.runInfoPath, name: "run.json", notes: &notes)
        contents.configYAML = try? String(contentsOfFile: directory.configPath, encoding: .utf8)
        if let metrics = JSONLines.read(path: directory.metricsPath, name: "metrics.jsonl") {
            contents.metrics = metrics.records
            notes += metrics.notes
        }
        var logs = RankLogReader(directory: directory)
        contents.logs = logs.readNew()
        logs.finish()
        notes += logs.takeNotes()
        if let gaussianity = JSONLines.read(path: directory.file("gaussianity.jsonl"), name: "gaussianity.jsonl") {
            contents.gaussianity = gaussianity.records
            notes += gaussianity.notes
        }
        contents.probe = JSONLines.readObject(
            path: directory.file("gaussianity-probe.json"), name: "gaussianity-probe.json", notes: &notes)
        contents.export = JSONLines.readObject(
            path: directory.file("export/export.json"), name: "export/export.json", notes: &notes)
        contents.notes = notes
        return contents
    }

    /// The metrics records of one `split` (train, validation, test, alrao, grouped-newton, gauss-newton,
    /// ggn).
    public func metrics(split: String) -> [JSONValue] {
        metrics.filter { $0["split"]?.string == split }
    }
}
