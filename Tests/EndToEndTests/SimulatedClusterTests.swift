import Foundation
import TestSupport
import Testing

/// Training across three simulated hosts (network namespaces on a bridge, `deploy/sim-cluster`), ranks
/// talking over TCP only: the job completes and every rank's records reach rank 0's run directory over MPI.
@Suite(.serialized) struct SimulatedClusterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func trainingAcrossThreeHostsOverTCP() throws {
        // Bring the hosts up if CI (or a developer) has not; remove them afterwards if this test made them.
        let hostfile = Self.root + "/hostfiles/sim-cluster"
        let madeHere = !FileManager.default.fileExists(atPath: hostfile)
        if madeHere {
            let up = try BuiltProducts.run(Self.root + "/deploy/sim-cluster", ["up", "3"])
            try #require(up.status == 0, "deploy/sim-cluster up failed (it needs root): \(up.stderr)")
        }
        defer { if madeHere { _ = try? BuiltProducts.run(Self.root + "/deploy/sim-cluster", ["down"]) } }

        let directory = BuiltProducts.temporaryDirectory("partita-sim")
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            [
                "launch", "-n", "3", "--sim-cluster", "--timeout", "180", "--", "train", "--plain", "--set",
                "run.dir=\(directory)", "--set", "data.batch_size=63", "--set", "train.epochs=3",
            ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("--mca btl self,tcp"))
        let run = directory + "/digits-mlp"
        let info = try String(contentsOfFile: run + "/run.json", encoding: .utf8)
        #expect(info.contains("\"world_size\":3"))
        #expect(info.contains("\"hosts\":[\"partita-h1\",\"partita-h2\",\"partita-h3\"]"), "\(info)")
        #expect(info.contains("\"status\":\"completed\""))
        for rank in 0..<3 {
            let path = String(format: "%@/ranks/rank-%04d.jsonl", run, rank)
            let records = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(
                records.contains { $0.contains("\"rank\":\(rank)") && $0.contains("\"final parameters\"") }, "\(path)")
            #expect(records.filter { $0.contains("\"message\":\"steps\"") }.count >= 6, "\(path)")
        }
    }
}
