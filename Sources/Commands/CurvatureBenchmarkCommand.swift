import ArgumentParser
import Foundation
import Networks
import Training

/// `partita bench curvature`: the cost of a grouped-Newton refresh in gradient evaluations.
struct CurvatureBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curvature",
        abstract: "Cost of one grouped-Newton refresh (ḡ, H̄, D3) in gradient evaluations on the same batch.",
        discussion: """
            Without options, the three configurations of issue 5: MLP 784-1024-1024-10 per tensor (S = 6) and \
            per layer (S = 3), and 784-256-256-256-256-10 per tensor (S = 10), batch 256, float32, tanh. The \
            authors' nested reverse-mode code measures about 14, 8.6 and 22 gradient evaluations on them.
            """)

    enum Defaults: BenchmarkDefaults {
        static let sizes = ""
        static let sizesHelp = "Layer sizes, input first (default: the three configurations)."
        static let batch = 256
        static let batchHelp = "Batch size."
        static let rounds = 5
    }

    @OptionGroup var options: BenchmarkOptions<Defaults>

    @Option(help: "How the parameters are split into subsets (with --sizes).")
    var partition: Partition.Kind = .tensor

    func run() throws {
        let (batch, rounds) = (options.batch, options.rounds)
        #if DEBUG
            Console.error("warning: this is a debug build; numbers are only meaningful with `swift build -c release`")
        #endif
        var cases: [([Int], Partition.Kind, Double?)] = [
            ([784, 1024, 1024, 10], .tensor, 14), ([784, 1024, 1024, 10], .layer, 8.6),
            ([784, 256, 256, 256, 256, 10], .tensor, 22),
        ]
        if let sizes = options.layerSizes { cases = [(sizes, partition, nil)] }
        let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "(unset)"
        Console.output(
            "batch \(batch), float32, tanh, OPENBLAS_NUM_THREADS=\(threads); median of \(rounds) rounds; before the run: "
                + MachineLoad.summary())
        Console.output(
            "model                         partition   S   gradient ms  refresh ms  gradient evals  target 1+S  authors"
        )
        for (sizes, kind, authors) in cases {
            let result = CurvatureBenchmark.run(sizes: sizes, batch: batch, partition: kind, rounds: rounds)
            let name = sizes.map(String.init).joined(separator: "-")
            Console.output(
                name.padding(toLength: 30, withPad: " ", startingAt: 0)
                    + kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(
                        format: "%3d %12.2f %11.2f %15.2f %11d %8@", result.subsets, 1000 * result.gradientSeconds,
                        1000 * result.refreshSeconds, result.gradientEquivalents, 1 + result.subsets,
                        authors.map { String($0) } ?? "-"))
        }
    }
}
