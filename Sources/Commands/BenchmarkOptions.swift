import ArgumentParser
import Foundation

/// The defaults (and the help wording that depends on them) of one `partita bench` command.
protocol BenchmarkDefaults {
    /// The layer sizes; empty when the command has its own set of models without `--sizes`.
    static var sizes: String { get }
    static var sizesHelp: String { get }
    static var batch: Int { get }
    static var batchHelp: String { get }
    static var rounds: Int { get }
}

/// The options the `partita bench` commands share, parsed and checked in one place: the MLP's layer sizes
/// and the batch and timing rounds, which must be positive.
struct BenchmarkOptions<Defaults: BenchmarkDefaults>: ParsableArguments {
    @Option(help: ArgumentHelp(Defaults.sizesHelp))
    var sizes: String = Defaults.sizes

    @Option(help: ArgumentHelp(Defaults.batchHelp))
    var batch: Int = Defaults.batch

    @Option(help: "Alternating timing rounds (the median is reported).")
    var rounds: Int = Defaults.rounds

    /// `--sizes` as integers; nil when it was not given and the command has no default sizes.
    var layerSizes: [Int]? {
        sizes.isEmpty ? nil : Self.parse(sizes)
    }

    func validate() throws {
        if !sizes.isEmpty && Self.parse(sizes) == nil {
            throw ValidationError(
                "--sizes must be at least two positive integers separated by commas, e.g. 784,256,10, not '\(sizes)'")
        }
        guard batch > 0 else { throw ValidationError("--batch must be positive, not \(batch)") }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive, not \(rounds)") }
    }

    /// At least two positive integers separated by commas, or nil.
    static func parse(_ text: String) -> [Int]? {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard values.count >= 2, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

}

/// The host's load before a benchmark, printed with its results: ratios measured side by side survive a
/// shared machine, but a load well above the benchmark's own ranks means something else is competing (a
/// stray process from an earlier job, another tenant), and the run is worth repeating.
enum MachineLoad {
    /// E.g. `load average 0.42 (1 min) on 2 cores`, from `/proc/loadavg`; empty where that file is missing.
    static func summary() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first
        else { return "" }
        return "load average \(first) (1 min) on \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }
}
