import Foundation

/// Golden-file comparison for generated text (help messages, emitted C).
///
/// The baseline is `Snapshots/<name>` next to the calling test file. When it is missing the text is
/// recorded there and the check *fails*, so a new baseline is always looked at and committed on purpose.
/// Set `PARTITA_RECORD_SNAPSHOTS=1` to re-record changed baselines (the check still fails).
public enum Snapshot {
    /// Returns nil when `text` equals the baseline, or a message describing the first difference.
    public static func mismatch(_ text: String, named name: String, file: StaticString = #filePath) -> String? {
        let directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
        let path = directory.appendingPathComponent(name).path
        let record = ProcessInfo.processInfo.environment["PARTITA_RECORD_SNAPSHOTS"] == "1"
        guard let baseline = try? String(contentsOfFile: path, encoding: .utf8), !record else {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            return "recorded a new baseline at \(path); check it and commit it"
        }
        guard baseline != text else { return nil }
        let expected = baseline.split(separator: "\n", omittingEmptySubsequences: false)
        let actual = text.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(expected.count, actual.count) {
            let e = i < expected.count ? String(expected[i]) : "<end>"
            let a = i < actual.count ? String(actual[i]) : "<end>"
            if e != a { return "\(name) line \(i + 1) differs:\n  expected: \(e)\n  actual:   \(a)" }
        }
        return "\(name) differs"
    }
}
