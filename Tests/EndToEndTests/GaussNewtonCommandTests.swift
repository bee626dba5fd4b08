import Foundation
import TestSupport
import Testing

/// `partita gauss-newton` keeps its run directory's run.json as `partita train` does.
@Suite struct GaussNewtonCommandTests {
    static func runInfo(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path + "/run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func arguments(_ directory: String, parametersOut: String) -> [String] {
        [
            "gauss-newton", "--hidden", "10", "--train", "10", "--test", "10", "--max-iterations", "5", "--run-dir",
            directory, "--parameters-out", parametersOut,
        ]
    }

    /// A failure after the run directory exists (here: the parameters file cannot be written) marks the run
    /// failed with the error, so `partita logs --follow --until-finished` ends; run.json lists every rank's host.
    @Test(arguments: [1, 2])
    func aFailureMarksTheRunFailed(_ ranks: Int) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-gauss-newton")
        let arguments = Self.arguments(directory, parametersOut: "/nonexistent/p.npy")
        let output =
            ranks == 1
            ? try BuiltProducts.run(BuiltProducts.partita, arguments) : try MPIRun.partita(ranks: ranks, arguments)
        #expect(output.status != 0)
        #expect(output.stderr.contains("partita: error: "), "\(output.stderr)")
        let info = try Self.runInfo(directory + "/gauss-newton")
        #expect(info["status"] as? String == "failed", "\(info)")
        let error = try #require(info["error"] as? String)
        #expect(error.contains("/nonexistent/p.npy"), "\(error)")
        #expect(info["end"] is String)
        #expect((info["hosts"] as? [String])?.count == ranks, "\(info)")
    }

    @Test func aRunThatEndsIsMarkedCompleted() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-gauss-newton")
        let output = try BuiltProducts.run(
            BuiltProducts.partita, Self.arguments(directory, parametersOut: directory + "/p.npy"))
        #expect(output.status == 0, "\(output.stderr)")
        let info = try Self.runInfo(directory + "/gauss-newton")
        #expect(info["status"] as? String == "completed", "\(info)")
        #expect((info["hosts"] as? [String])?.count == 1)
    }
}
