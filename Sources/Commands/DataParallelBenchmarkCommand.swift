import ArgumentParser
import Cluster
import Configuration
import Foundation
import MPI
import Training

/// `partita bench ddp`, run under mpirun: data-parallel throughput and all-reduce cost.
struct DataParallelBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddp",
        abstract: "Data-parallel scaling and all-reduce cost; run it under mpirun (e.g. partita launch -n 2).",
        discussion: """
            In alternating rounds of one job: rank 0 training the whole global batch alone, all ranks training \
            their shares with Partita's gradient sum (as `partita train` does it: through host-shared memory \
            by default, or MPI buckets), that sum alone, and one bare MPI_Allreduce of the same gradient. \
            Reports samples/s, the scaling efficiency and the sum's cost against the bare all-reduce.
            """)

    enum Defaults: BenchmarkDefaults {
        static let sizes = "784,1024,1024,10"
        static let sizesHelp = "Layer sizes, input first."
        static let batch = 512
        static let batchHelp = "Global batch size (split across the ranks)."
        static let rounds = 11
    }

    @OptionGroup var options: BenchmarkOptions<Defaults>

    @Option(help: "Gradient bucket size in MiB (as train.bucket_mb).")
    var bucketMb = 0.0

    @Option(help: "How the gradient is summed (as train.allreduce): shared-memory or mpi.")
    var allreduce: TrainSettings.AllReduce = .sharedMemory

    @Option(help: "Steps per round.")
    var steps = 8

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, not \(steps)") }
        guard bucketMb >= 0 else { throw ValidationError("--bucket-mb must not be negative, not \(bucketMb)") }
    }

    func run() throws {
        let (sizes, batch, rounds) = (options.sizes, options.batch, options.rounds)
        try Runtime.run(logLevel: .warning) { context in
            guard let mpi = context.communicator as? MPICommunicator else {
                throw LaunchError("run it under mpirun, e.g. `partita launch -n 2 -- bench ddp`")
            }
            guard batch % mpi.size == 0 else {
                throw LaunchError("--batch \(batch) is not a multiple of the \(mpi.size) ranks")
            }
            let load = MachineLoad.summary()
            let result = try DataParallelBenchmark.run(
                communicator: mpi, sizes: options.layerSizes!, globalBatch: batch, bucketMB: bucketMb,
                sharedMemory: allreduce == .sharedMemory, rounds: rounds, stepsPerRound: steps,
                bareAllReduce: { try mpi.bareAllReduce($0) })
            guard mpi.isCoordinator else { return }
            let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "(unset)"
            Console.output(
                "MLP \(sizes), global batch \(batch), float32, \(result.ranks) ranks on \(Set(result.hosts).count) "
                    + "host(s) \(result.hosts), OPENBLAS_NUM_THREADS=\(threads)")
            Console.output(
                "median of \(rounds) alternating rounds of \(steps) steps each; gradient sum: \(result.sumMethod); "
                    + "before the run: \(load)")
            Console.output(
                String(
                    format: "1 rank, batch %d:            %8.2f ms/step  %8.0f samples/s", batch,
                    1000 * result.soloStepSeconds, result.soloSamplesPerSecond))
            Console.output(
                String(
                    format:
                        "%d ranks, batch %d each:      %8.2f ms/step  %8.0f samples/s  (%.2f ms waiting for the gradient sum)",
                    result.ranks, batch / result.ranks, 1000 * result.parallelStepSeconds,
                    result.parallelSamplesPerSecond, 1000 * result.parallelWaitSeconds))
            Console.output(String(format: "scaling efficiency:            %.1f%%", 100 * result.scalingEfficiency))
            Console.output(
                String(
                    format:
                        "gradient sum (%d floats, %.1f MB): Partita %.3f ms, bare MPI_Allreduce %.3f ms: %+.1f%%",
                    result.parameterCount, Double(result.parameterCount * 4) / 1e6,
                    1000 * result.partitaAllReduceSeconds,
                    1000 * result.bareAllReduceSeconds, 100 * result.allReduceOverhead))
        }
    }
}
