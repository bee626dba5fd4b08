import ArgumentParser
import Cluster
import Diagnostics
import Foundation
import Networks

/// `partita gaussianity`: the KS experiment of the Gaussianity paper (methods.md section 1.5), with the samples
/// split across the ranks and gathered at rank 0.
struct GaussianityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaussianity",
        abstract: "How far from N(0, 1) is the output of a narrow random network? (KS, panels A, B, C)",
        discussion: """
            Draws the weights afresh for every sample (Gaussian first layer on the input 1, then the weight law \
            of each activation: symmetric Weibull for the Weibull pairs, Gaussian for the others) and measures \
            the Kolmogorov-Smirnov distance of the output to N(0, 1). Panels: A n0 = 1, n1 = 1..max; \
            B n1 = 2, n0 = 1..max; C n0 = n1 = 1..max. Under mpirun (partita launch -n N -- gaussianity) the \
            samples are split across the ranks; any number of ranks gives the same numbers. With --output DIR \
            it writes ks.md (table), ks.json (raw numbers) and ks-figure.json (a figure spec for partita plot).
            """)

    @Option(help: "Samples per configuration (the KS noise floor is about 0.87/sqrt(samples)).")
    var samples = 50_000

    @Option(
        help: ArgumentHelp(
            "Activations, comma-separated: weibull-odd, weibull-positive (one curve per θ), or any other activation "
                + "with Gaussian weights.", valueName: "names"))
    var activation = "weibull-odd,weibull-positive,relu,tanh"

    @Option(help: ArgumentHelp("Weibull shapes θ of the tables, comma-separated.", valueName: "thetas"))
    var theta = "2.05,2.5,3,4,5,7,10"

    @Option(help: "σ_w of the Gaussian-weight activations (default: √2 for relu, 1.2083 for tanh, 1 otherwise).")
    var sigmaW: Double?

    @Option(help: "σ_b of the Gaussian-weight activations (default: 0.1140 for tanh, 0 otherwise).")
    var sigmaB: Double?

    @Option(help: ArgumentHelp("Panels, comma-separated: A, B, C.", valueName: "panels"))
    var panels = "A,B,C"

    @Option(help: "Largest width on the panels' x axis.")
    var maxWidth = 10

    @Option(
        help: ArgumentHelp(
            "One configuration instead of the panels: hidden widths, e.g. 10,10.", valueName: "n0,n1,..."))
    var widths: String?

    @Option(help: "Seed of the weight draws.")
    var seed = 0

    @Option(help: ArgumentHelp("Write ks.md, ks.json and ks-figure.json into this directory.", valueName: "dir"))
    var output: String?

    @Flag(help: "Print the raw numbers as JSON instead of the table.")
    var json = false

    func validate() throws {
        guard samples >= 3 else { throw ValidationError("--samples must be at least 3") }
        guard maxWidth >= 1 else { throw ValidationError("--max-width must be at least 1") }
        guard seed >= 0 else { throw ValidationError("--seed must not be negative") }
        _ = try networks()
        _ = try selectedPanels()
        if let widths, parsedWidths(widths) == nil {
            throw ValidationError("--widths must be positive integers separated by commas, e.g. 10,10")
        }
    }

    func parsedWidths(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

    func selectedPanels() throws -> [PropagationPanel] {
        try panels.split(separator: ",").map { name in
            guard let panel = PropagationPanel(rawValue: name.trimmingCharacters(in: .whitespaces).uppercased()) else {
                throw ValidationError("--panels: unknown panel '\(name)'; the panels are A, B and C")
            }
            return panel
        }
    }

    /// The curves: one per θ for each Weibull family, one per other activation.
    func networks() throws -> [PropagationExperiment.Network] {
        var thetas = [Double]()
        for text in theta.split(separator: ",") {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--theta: '\(text)' is not a number")
            }
            thetas.append(value)
        }
        var result = [PropagationExperiment.Network]()
        for raw in activation.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            let activation = try Activation.option(name, theta: thetas.first ?? 3)
            if case .weibull = activation {
                // A Weibull-paired activation is one curve per θ.
                for value in thetas {
                    if case .weibull(let pair) = try Activation.option(name, theta: value) {
                        result.append(.weibull(pair))
                    }
                }
                continue
            }
            let defaults = MeanField.edgeOfChaos(activation) ?? (sigmaW: 1, sigmaB: 0)
            result.append(.gaussian(activation, sigmaW: sigmaW ?? defaults.sigmaW, sigmaB: sigmaB ?? defaults.sigmaB))
        }
        return result
    }

    func run() throws {
        try Runtime.run(logLevel: .warning) { context in
            #if DEBUG
                if context.communicator.isCoordinator {
                    Console.error("warning: this is a debug build; build with `swift build -c release` for speed")
                }
            #endif
            let experiment =
                if let widths, let parsed = parsedWidths(widths) {
                    GaussianityExperiment(
                        samples: samples, seed: UInt64(seed), networks: try networks(), widths: parsed)
                } else {
                    GaussianityExperiment(
                        samples: samples, seed: UInt64(seed), networks: try networks(), panels: try selectedPanels(),
                        maxWidth: maxWidth)
                }
            guard let result = try experiment.run(communicator: context.communicator) else { return }
            if let output {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                try result.markdown.write(toFile: output + "/ks.md", atomically: true, encoding: .utf8)
                try result.json.write(toFile: output + "/ks.json", atomically: true, encoding: .utf8)
                if widths == nil {
                    try result.figureSpec.write(toFile: output + "/ks-figure.json", atomically: true, encoding: .utf8)
                }
            }
            Console.output(json ? result.json : result.markdown, terminator: "")
        }
    }
}
