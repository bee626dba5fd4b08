import Checkpoints
import Datasets
import Foundation
import Networks
import TestSupport
import Testing
import Training

/// The built binary under `mpirun` with several ranks: the data-parallel invariants and how jobs fail.
@Suite(.serialized) struct DistributedTests {
    static func finalParameters(_ run: String, hidden: [Int] = [32]) throws -> (step: Int, values: [Double]) {
        let checkpoint = try CheckpointFile.read(path: run + "/checkpoints/latest")
        let layout = MLPArchitecture(sizes: [64] + hidden + [10], activation: .relu).layout
        if checkpoint.dtype == "float64" {
            return (checkpoint.step, try checkpoint.parameters(layout: layout, as: Double.self).values)
        }
        return (checkpoint.step, try checkpoint.parameters(layout: layout, as: Float.self).values.map(Double.init))
    }

    /// The `final parameters` hash every rank logged (gathered into rank 0's run directory).
    static func finalHashes(_ run: String, ranks: Int) throws -> [String] {
        try (0..<ranks).map { rank in
            let path = RunFiles.rankLog(run, rank: rank)
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            let record = try #require(lines.last { $0.contains("\"final parameters\"") })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
            return try #require((object["metadata"] as? [String: String])?["fnv1a"])
        }
    }

    static func train(ranks: Int, _ directory: String, _ settings: [String], name: String) throws -> String {
        let arguments =
            ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "run.name=\(name)"]
            + settings.flatMap { ["--set", $0] }
        let output = try MPIRun.partita(ranks: ranks, arguments)
        #expect(output.status == 0, "\(ranks) ranks: \(output.stderr)")
        return "\(directory)/\(name)"
    }

    /// After 10 steps N ranks (each with batch 60/N) equal one rank with batch 60: within 1e-10 relative in
    /// Double, 1e-4 in Float (the only difference is the order in which the gradient is summed). All ranks
    /// end with bit-identical parameters (their logged hashes agree; the trainer's own cross-rank hash check
    /// would have failed the job otherwise).
    /// Each way of summing the gradient is checked: through host-shared memory (the default, `bucket_mb` 0),
    /// one `MPI_Allreduce` (`train.allreduce=mpi`), and overlapped MPI buckets (`bucket_mb` 0.0001: every
    /// layer is its own bucket).
    @Test(arguments: [
        ("float64", 0.0, "shared-memory"), ("float32", 0.0, "shared-memory"), ("float64", 0.0, "mpi"),
        ("float64", 0.0001, "shared-memory"),
    ])
    func nRanksEqualOneRankWithNTimesTheBatch(_ dtype: String, _ bucketMB: Double, _ allreduce: String) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-ddp")
        let settings = [
            "model.dtype=\(dtype)", "model.hidden=[32]", "data.batch_size=60", "train.max_steps=10",
            "train.hash_check_every=5", "optimizer.momentum=0.9", "train.bucket_mb=\(bucketMB)",
            "train.allreduce=\(allreduce)",
        ]
        let reference = try Self.finalParameters(try Self.train(ranks: 1, directory, settings, name: "ranks-1"))
        #expect(reference.step == 10)
        for ranks in [2, 3, 4] {
            let run = try Self.train(ranks: ranks, directory, settings, name: "ranks-\(ranks)")
            let parameters = try Self.finalParameters(run)
            let error = Tolerance.relativeError(parameters.values, reference.values)
            #expect(error < (dtype == "float64" ? 1e-10 : 1e-4), "\(ranks) ranks, \(dtype): relative error \(error)")
            let hashes = try Self.finalHashes(run, ranks: ranks)
            #expect(Set(hashes).count == 1, "ranks hold different parameters: \(hashes)")
        }
    }

    /// `partita check-collectives` on 2, 3 and 4 ranks of this host: every collective matches the reference
    /// each rank computes itself, and the shared-memory sum equals the naive sum in rank order bit for bit,
    /// over two rounds, in both precisions.
    @Test func collectivesMatchTheirReferences() throws {
        for ranks in [2, 3, 4] {
            let output = try MPIRun.partita(ranks: ranks, ["check-collectives", "--count", "100003"])
            #expect(output.status == 0, "\(ranks) ranks: \(output.stdout) \(output.stderr)")
            let lines = output.stdout.split(separator: "\n")
            #expect(lines.filter { $0.hasPrefix("ok ") }.count == 9, "\(ranks) ranks: \(output.stdout)")
            #expect(lines.filter { $0.contains("bit-identical to the naive sum") }.count == 4, "\(output.stdout)")
        }
    }

    /// Alrao across ranks: after 20 steps, 2 ranks (batch 32 each) equal 1 rank (batch 64): parameters and
    /// the switch's log-weights within 1e-10 relative in Double. The per-copy losses are all-reduced before
    /// the switch update, so every rank keeps the same posterior.
    @Test func alraoOnTwoRanksEqualsOneRankWithTwiceTheBatch() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-alrao-ddp")
        let settings = [
            "model.dtype=float64", "model.hidden=[32]", "data.batch_size=64", "train.max_steps=20",
            "optimizer.name=alrao", "optimizer.alrao_copies=5", "optimizer.alrao_momentum=0.5",
        ]
        var results = [(parameters: [Double], switchWeights: [Double])]()
        for ranks in [1, 2] {
            let run = try Self.train(ranks: ranks, directory, settings, name: "alrao-\(ranks)")
            let checkpoint = try CheckpointFile.read(path: run + "/checkpoints/latest")
            let parameters = try checkpoint.contents.names.filter { $0.hasPrefix("model.") }
                .flatMap { try checkpoint.contents.values($0, as: Double.self) }
            let weights = try checkpoint.contents.values("optimizer.vector.switch_log_weights", as: Double.self)
            results.append((parameters, weights))
        }
        #expect(Tolerance.relativeError(results[1].parameters, results[0].parameters) < 1e-10)
        #expect(Tolerance.relativeError(results[1].switchWeights, results[0].switchWeights) < 1e-10)
        // The posterior has moved away from uniform, so the comparison is not trivially of initial values.
        let posterior = results[0].switchWeights.prefix(5).map { exp($0) }
        #expect(posterior.max()! / posterior.min()! > 1.5)
    }

    /// The partition tensors summed over 2 and 3 ranks (each on its strided share of 600 samples) equal those
    /// of 1 rank on all of them: 1e-10 relative in Double, for ḡ, H̄, D3 and the η they imply.
    @Test func curvatureTensorsOnSeveralRanksEqualOneRank() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-curvature")
        let run = try Self.train(
            ranks: 1, directory,
            ["model.dtype=float64", "model.hidden=[16,8]", "model.activation=tanh", "train.epochs=2"],
            name: "model")
        var results = [[String: Any]]()
        for ranks in [1, 2, 3] {
            let output = try MPIRun.partita(
                ranks: ranks,
                [
                    "curvature", run + "/checkpoints/latest", "--samples", "600", "--partition", "tensor",
                    "--direction",
                    "momentum", "--json",
                ])
            #expect(output.status == 0, "\(output.stderr)")
            results.append(
                try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]))
        }
        func numbers(_ result: [String: Any], _ key: String) -> [Double] {
            if let flat = result[key] as? [Double] { return flat }
            return (result[key] as? [[Double]])?.flatMap { $0 } ?? []
        }
        for key in ["g_bar", "h_bar", "d3", "eta_order2", "eta_order3"] {
            let reference = numbers(results[0], key)
            #expect(!reference.isEmpty, "\(key) missing")
            for other in results.dropFirst() {
                #expect(Tolerance.relativeError(numbers(other, key), reference) < 1e-10, "\(key)")
            }
        }
    }

    /// Mean-field Gauss-Newton with the hidden units shared out among 1, 2 and 3 ranks: the same iterates
    /// after 20 steps (every unit's w, b, v within 1e-10 relative, Double), for Gauss-Newton and gradient descent.
    @Test(arguments: ["gn", "gd"])
    func meanFieldIteratesDoNotDependOnTheSharding(_ method: String) throws {
        let directory = BuiltProducts.temporaryDirectory("partita-meanfield")
        var parameters = [[Double]]()
        for ranks in [1, 2, 3] {
            let file = "\(directory)/parameters-\(ranks).npy"
            let output = try MPIRun.partita(
                ranks: ranks,
                [
                    "gauss-newton", "--method", method, "--hidden", "60", "--train", "40", "--test", "50",
                    "--max-iterations", "20", "--tolerance", "0", "--std", "0.5", "--run-dir", directory,
                    "--parameters-out", file,
                ])
            #expect(output.status == 0, "\(output.stderr)")
            parameters.append(try NpyFile.read(path: file).allValues())
        }
        #expect(parameters[0].count == 60 * 12)
        #expect(parameters[0].contains { $0 != 0 })
        for other in parameters.dropFirst() { #expect(Tolerance.relativeError(other, parameters[0]) < 1e-10) }
    }

    /// The general damped Gauss-Newton is data-parallel too: each GGN product is all-reduced, so 2 ranks run
    /// the same conjugate-gradient iterations as 1 rank with twice the batch (1e-10 relative in Double).
    @Test func generalGaussNewtonOnTwoRanksEqualsOneRank() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-ggn")
        let settings = [
            "model.dtype=float64", "model.hidden=[32]", "data.batch_size=64", "train.max_steps=8",
            "optimizer.name=gauss-newton", "optimizer.ggn_cg_iterations=5",
        ]
        let one = try Self.finalParameters(try Self.train(ranks: 1, directory, settings, name: "ggn-1"))
        let two = try Self.finalParameters(try Self.train(ranks: 2, directory, settings, name: "ggn-2"))
        #expect(Tolerance.relativeError(two.values, one.values) < 1e-10)
    }

    /// The grouped Newton method across ranks: the gradient (summed through host-shared memory) and the
    /// partition tensors of each refresh (all-reduced) make 2 and 3 ranks equal 1 rank with the whole batch
    /// after 12 steps (two refreshes): 1e-10 relative in Double, bit-identical parameters on every rank.
    @Test func groupedNewtonOnSeveralRanksEqualsOneRank() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-gnewton")
        let settings = [
            "model.dtype=float64", "model.hidden=[32]", "data.batch_size=60", "train.max_steps=12",
            "optimizer.name=grouped-newton", "optimizer.gn_period=6", "train.hash_check_every=4",
        ]
        let one = try Self.finalParameters(try Self.train(ranks: 1, directory, settings, name: "gnewton-1"))
        for ranks in [2, 3] {
            let run = try Self.train(ranks: ranks, directory, settings, name: "gnewton-\(ranks)")
            let parameters = try Self.finalParameters(run)
            #expect(Tolerance.relativeError(parameters.values, one.values) < 1e-10, "\(ranks) ranks")
            #expect(Set(try Self.finalHashes(run, ranks: ranks)).count == 1)
        }
    }

    /// Variational inference across ranks: every rank samples the same weights (the noise stream depends on
    /// the seed and the step only) and the KL term is added once, after the all-reduce, so 2 ranks equal 1 rank
    /// with twice the batch: the means and ρ after 10 steps within 1e-10 relative in Double.
    @Test func variationalOnTwoRanksEqualsOneRank() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-vi")
        let settings = [
            "model.dtype=float64", "model.hidden=[32]", "data.batch_size=64", "train.max_steps=10", "optimizer.name=vi",
            "optimizer.lr=0.003", "optimizer.vi_eval_samples=2",
        ]
        var results = [[Double]]()
        for ranks in [1, 2] {
            let run = try Self.train(ranks: ranks, directory, settings, name: "vi-\(ranks)")
            let checkpoint = try CheckpointFile.read(path: run + "/checkpoints/latest")
            results.append(
                try checkpoint.contents.names.filter { $0.hasPrefix("model.") }
                    .flatMap { try checkpoint.contents.values($0, as: Double.self) })
        }
        #expect(results[0].count == 2 * (64 * 32 + 32 + 32 * 10 + 10))  // μ and ρ
        #expect(Tolerance.relativeError(results[1], results[0]) < 1e-10)
    }

    /// The default digits run keeps its accuracy on 4 (oversubscribed) ranks.
    @Test func digitsAccuracyOnFourRanks() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-ddp-acc")
        let run = try Self.train(ranks: 4, directory, [], name: "four")
        let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
        let last = try #require(metrics.split(separator: "\n").last { $0.contains("\"split\":\"validation\"") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let accuracy = try #require(object["accuracy"] as? Double)
        #expect(accuracy >= 0.95, "validation accuracy on 4 ranks: \(accuracy)")
        #expect(Set(try Self.finalHashes(run, ranks: 4)).count == 1)
    }

    /// A NaN on one rank: that rank names itself and the step, and the job ends quickly and non-zero.
    @Test func nanOnOneRankNamesRankAndStep() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-nan")
        let output = try MPIRun.partita(
            ranks: 2, ["train", "--plain", "--set", "run.dir=\(directory)"],
            environment: ["PARTITA_FAULT": "nan:rank=1:step=5"])
        #expect(output.status != 0)
        #expect(output.seconds < 10, "took \(output.seconds) s")
        #expect(
            output.stderr.contains("partita: error: rank 1: the training loss became nan at step 5"), "\(output.stderr)"
        )
    }

    /// A rank that stops responding: the other rank's collective watchdog ends the job, naming the collective
    /// and the step, instead of hanging.
    @Test func hungRankTripsTheWatchdog() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-hang")
        let output = try MPIRun.partita(
            ranks: 2,
            ["train", "--plain", "--set", "run.dir=\(directory)", "--set", "train.collective_timeout=2"],
            environment: ["PARTITA_FAULT": "hang:rank=1:step=3"], timeout: 60)
        #expect(output.status != 0)
        #expect(output.seconds < 12, "took \(output.seconds) s")
        #expect(output.stderr.contains("partita: error: rank 0: collective"), "\(output.stderr)")
        #expect(output.stderr.contains("did not complete within 2 s at step 3"), "\(output.stderr)")
    }

    /// Ranks started with different configs refuse to train together, with one message from rank 0.
    @Test func mismatchedConfigsAreOneClearError() throws {
        let output = try BuiltProducts.run(
            "/usr/bin/mpirun",
            [
                "-np", "1", "--bind-to", "none", BuiltProducts.partita, "train", "--set", "optimizer.lr=0.1", ":",
                "-np", "1", "--bind-to", "none", BuiltProducts.partita, "train", "--set", "optimizer.lr=0.2",
            ],
            environment: MPIRun.environment)
        #expect(output.status != 0)
        let ours = output.stderr.split(separator: "\n").filter { $0.hasPrefix("partita: error:") }
        #expect(
            ours == ["partita: error: rank(s) 1 disagree with rank 0 about the resolved config"], "\(output.stderr)")
    }

    @Test func hostfileWithAnUnknownHostIsOneClearError() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-hostfile")
        let hostfile = directory + "/hosts"
        try "localhost slots=2\nno-such-host.invalid slots=2\n".write(
            toFile: hostfile, atomically: true, encoding: .utf8)
        let output = try BuiltProducts.run(
            BuiltProducts.partita, ["launch", "-n", "2", "--hostfile", hostfile, "--", "train"])
        #expect(output.status != 0)
        #expect(
            output.stderr
                == "partita: error: \(hostfile):2: unknown host 'no-such-host.invalid': the name does not resolve to "
                + "an address (check the spelling, DNS or /etc/hosts)\n")
    }

    /// SIGKILL of one rank mid-run ends the job non-zero within 10 s; the last checkpoint is whole, and
    /// resuming from it reaches the same parameters, bit for bit, as a run that was never interrupted.
    @Test func killedRankEndsTheJobAndResumeMatches() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-kill")
        let settings = [
            "model.dtype=float64", "model.hidden=[32]", "train.epochs=200", "train.checkpoint_every=20",
            "train.max_steps=4000",
        ]
        let marker = "run.name=killed-\(UUID().uuidString.prefix(8))"
        let job = try MPIRun.start(
            ranks: 2,
            ["train", "--plain", "--set", "run.dir=\(directory)", "--set", marker] + settings.flatMap { ["--set", $0] })
        let run = "\(directory)/\(marker.dropFirst("run.name=".count))"
        // Wait for a checkpoint beyond the first, then kill rank 1.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: run + "/checkpoints")) ?? []
            if names.filter({ $0.hasPrefix("step-") }).count >= 2 { break }
            usleep(50_000)
        }
        let pids = MPIRun.rankProcesses(marker: marker)
        let victim = try #require(pids[1], "rank 1 not found: \(pids)")
        let killed = Date()
        kill(victim, SIGKILL)
        job.waitUntilExit()
        let seconds = Date().timeIntervalSince(killed)
        #expect(job.terminationStatus != 0)
        #expect(seconds < 10, "the job took \(seconds) s to end after SIGKILL")

        let stopped = try CheckpointFile.read(path: run + "/checkpoints/latest")  // whole and readable
        #expect(stopped.step > 0 && stopped.step < 4000 && stopped.step % 20 == 0)
        let target = stopped.step + 40
        let resumed = try MPIRun.partita(
            ranks: 2, ["train", "--plain", "--resume", run, "--set", "train.max_steps=\(target)"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let straight = try Self.train(
            ranks: 2, directory, settings.dropLast() + ["train.max_steps=\(target)"], name: "straight")
        let a = try Self.finalParameters(run)
        let b = try Self.finalParameters(straight)
        #expect(a.step == target && b.step == target)
        #expect(a.values == b.values, "resumed parameters differ from the uninterrupted run")
    }
}
