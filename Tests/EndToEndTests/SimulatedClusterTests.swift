import Foundation
import TestSupport
import Testing

/// Training across three simulated hosts (network namespaces on a bridge, `deploy/sim-cluster`), ranks
/// talking over TCP only: the job completes and every rank's records reach rank 0's run directory over MPI.
@Suite(.serialized) struct SimulatedClusterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Brings the hosts up if CI (or a developer) has not; returns whether this call did (then the caller
    /// removes them).
    static func ensureCluster() throws -> Bool {
        let hostfile = Self.root + "/hostfiles/sim-cluster"
        guard !FileManager.default.fileExists(atPath: hostfile) else { return false }
        let up = try BuiltProducts.run(Self.root + "/deploy/sim-cluster", ["up", "3"])
        try #require(up.status == 0, "deploy/sim-cluster up failed (it needs root): \(up.stderr)")
        return true
    }

    @Test func trainingAcrossThreeHostsOverTCP() throws {
        let madeHere = try Self.ensureCluster()
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
            let path = RunFiles.rankLog(run, rank: rank)
            let records = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(
                records.contains { $0.contains("\"rank\":\(rank)") && $0.contains("\"final parameters\"") }, "\(path)")
            #expect(records.filter { $0.contains("\"message\":\"steps\"") }.count >= 6, "\(path)")
        }
    }

    /// Six ranks, two on each of three hosts: the gradient sum runs through each host's shared memory and
    /// across hosts over TCP (the hierarchical path), and every collective still matches its reference.
    @Test func collectivesAcrossThreeHostsWithTwoRanksEach() throws {
        let madeHere = try Self.ensureCluster()
        defer { if madeHere { _ = try? BuiltProducts.run(Self.root + "/deploy/sim-cluster", ["down"]) } }
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            ["launch", "-n", "6", "--sim-cluster", "--timeout", "120", "--", "check-collectives", "--count", "100003"])
        #expect(output.status == 0, "\(output.stdout) \(output.stderr)")
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("ok ") }.count == 9, "\(output.stdout)")
        #expect(
            lines.filter { $0.contains("shared-memory sum") && $0.contains("round") }.count == 4, "\(output.stdout)")
    }

    /// Training with that hierarchical sum: 6 ranks (2 on each of 3 hosts, batch 10 each) equal 1 rank with
    /// batch 60 after 10 steps, within 1e-10 relative in Double, and all 6 ranks hold identical parameters.
    @Test func hierarchicalTrainingEqualsOneRank() throws {
        let madeHere = try Self.ensureCluster()
        defer { if madeHere { _ = try? BuiltProducts.run(Self.root + "/deploy/sim-cluster", ["down"]) } }
        let directory = BuiltProducts.temporaryDirectory("partita-sim-hier")
        let settings = [
            "model.dtype=float64", "model.hidden=[32]", "data.batch_size=60", "train.max_steps=10",
            "optimizer.momentum=0.9", "train.hash_check_every=5",
        ]
        let one = try DistributedTests.finalParameters(
            try DistributedTests.train(ranks: 1, directory, settings, name: "one"))
        let output = try BuiltProducts.run(
            BuiltProducts.partita,
            ["launch", "-n", "6", "--sim-cluster", "--timeout", "120", "--", "train", "--plain"]
                + (["run.dir=\(directory)", "run.name=six"] + settings).flatMap { ["--set", $0] })
        #expect(output.status == 0, "\(output.stderr)")
        let six = try DistributedTests.finalParameters(directory + "/six")
        #expect(six.step == 10)
        #expect(Tolerance.relativeError(six.values, one.values) < 1e-10)
        #expect(Set(try DistributedTests.finalHashes(directory + "/six", ranks: 6)).count == 1)
    }
}
