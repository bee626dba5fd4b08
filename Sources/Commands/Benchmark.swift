import ArgumentParser
import Foundation
import Training

/// `partita bench`: measured speed, as ratios taken side by side in one run.
struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed as ratios taken side by side in one run (build with -c release).",
        subcommands: [StepBenchmarkCommand.self, DataParallelBenchmarkCommand.self, CurvatureBenchmarkCommand.self],
        defaultSubcommand: StepBenchmarkCommand.self)
}

/// `partita bench step`: one training step against its GEMMs alone.
struct StepBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Measure a training step against its GEMMs alone (build with -c release).",
        discussion: """
            Times full training steps (forward, loss, backward, SGD update) of an MLP and, in alternating \
            rounds, the same GEMM calls alone; reports samples/s and the GEMMs' share of the step. Set \
            OPENBLAS_NUM_THREADS=1 to measure one BLAS thread.
            """)

    enum Defaults: BenchmarkDefaults {
        static let sizes = "784,1024,1024,10"
        static let sizesHelp = "Layer sizes, input first."
        static let batch = 256
        static let batchHelp = "Batch size."
        static let rounds = 7
    }

    @OptionGroup var options: BenchmarkOptions<Defaults>

    @Option(help: "Scalar type: float32 or float64.")
    var dtype: DTypeArgument = .float32

    @Option(help: "Steps per round.")
    var steps = 5

    @Option(help: "A convolutional network instead of the MLP: lenet5 or dscnn (Fashion-MNIST shapes).")
    var model: String?

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, not \(steps)") }
        if let model, LayerStackBenchmark.presets[model] == nil {
            throw ValidationError("--model must be lenet5 or dscnn, not \(model)")
        }
    }

    func run() throws {
        let (sizes, batch, rounds) = (options.layerSizes!, options.batch, options.rounds)
        #if DEBUG
            Console.error("warning: this is a debug build; numbers are only meaningful with `swift build -c release`")
        #endif
        let load = MachineLoad.summary()
        if let model {
            try runStack(model, batch: batch, rounds: rounds, load: load)
            return
        }
        let result =
            dtype == .float64
            ? try StepBenchmark.run(Double.self, sizes: sizes, batch: batch, rounds: rounds, stepsPerRound: steps)
            : try StepBenchmark.run(Float.self, sizes: sizes, batch: batch, rounds: rounds, stepsPerRound: steps)
        let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "(unset)"
        Console.output("MLP \(options.sizes), batch \(batch), \(dtype.rawValue), OPENBLAS_NUM_THREADS=\(threads)")
        Console.output("median of \(rounds) alternating rounds of \(steps) steps each; before the run: \(load)")
        Console.output(
            String(
                format: "training step:     %8.2f ms  (%.0f samples/s)", 1000 * result.stepSeconds,
                result.samplesPerSecond))
        Console.output(
            String(
                format: "same GEMMs alone:  %8.2f ms  (%.1f GFLOP/s)", 1000 * result.gemmSeconds, result.gemmGigaflops))
        Console.output(String(format: "GEMM share of the step: %.1f%%", 100 * result.gemmShare))
    }
}

extension StepBenchmarkCommand {
    /// `--model lenet5|dscnn`: a layer stack's step in wall and thread CPU time.
    func runStack(_ name: String, batch: Int, rounds: Int, load: String) throws {
        guard let stack = try LayerStackBenchmark.preset(name) else { return }  // checked by validate()
        let result =
            dtype == .float64
            ? try LayerStackBenchmark.run(Double.self, stack: stack, batch: batch, rounds: rounds, stepsPerRound: steps)
            : try LayerStackBenchmark.run(Float.self, stack: stack, batch: batch, rounds: rounds, stepsPerRound: steps)
        let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "(unset)"
        Console.output(
            "\(name) (\(stack.parameterCount) parameters, \(stack.macs) MACs/sample), batch \(batch), "
                + "\(dtype.rawValue), OPENBLAS_NUM_THREADS=\(threads)")
        Console.output("median of \(rounds) rounds of \(steps) steps each; before the run: \(load)")
        Console.output(
            String(
                format: "training step:  %8.2f ms wall (%.0f samples/s), %8.2f ms thread CPU (%.0f samples/CPU-s)",
                1000 * result.stepSeconds, result.samplesPerSecond, 1000 * result.stepCPUSeconds,
                result.samplesPerCPUSecond))
        Console.output(String(format: "forward alone:  %8.2f ms thread CPU", 1000 * result.forwardCPUSeconds))
    }
}

enum DTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case float32, float64
}
