/// Paths inside a run directory, for tests that read what a run wrote (the layout of docs/run-directory.md;
/// the code's own is `Cluster.RunDirectory`, which TestSupport does not depend on).
public enum RunFiles {
    /// `run/ranks/rank-NNNN.jsonl`: one rank's log records.
    public static func rankLog(_ run: String, rank: Int) -> String {
        let digits = String(rank)
        return run + "/ranks/rank-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".jsonl"
    }
}
