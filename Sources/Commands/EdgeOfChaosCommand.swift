import ArgumentParser
import Diagnostics
import Networks

/// `partita eoc`: the mean-field maps of an activation and weight law (methods.md section 1.4).
struct EdgeOfChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eoc",
        abstract: "Edge-of-chaos analysis: variance map, fixed point q*, correlation map and χ₁ of an activation.",
        discussion: """
            Weights have variance σ_w²·E[W²]/fan_in (E[W²] = 1 for Gaussian weights, Γ(1 + 2/θ) for symmetric \
            Weibull 𝒲(θ, 1)), biases variance σ_b². χ₁ = σ_w²·E[W²]·E[φ'(√q*·Z)²]: 1 is the edge of chaos. \
            Expectations by Gauss-Hermite quadrature. --table weibull prints χ₁ of every Weibull pair at q = 1 \
            (the table of docs/experiments/gaussian-preactivations.md).
            """)

    @Option(help: "The activation (relu, tanh, ..., weibull-odd, weibull-positive).")
    var activation = "tanh"

    @Option(help: "θ of a Weibull-paired activation or of Weibull weights.")
    var theta = 3.0

    @Option(help: "σ_w (the weights' scale).")
    var sigmaW = 1.0

    @Option(help: "σ_b (the biases' standard deviation).")
    var sigmaB = 0.0

    @Option(help: "Weight law: gaussian or weibull (default: weibull for the Weibull pairs, gaussian otherwise).")
    var weights: MeanField.WeightLaw?

    @Option(help: "Also evaluate χ₁ at this variance q (e.g. 1 for the Weibull pairs' exact fixed point).")
    var q: Double?

    @Option(help: "Gauss-Hermite points (1 to 300).")
    var points = 200

    @Option(help: ArgumentHelp("Print a table instead: weibull (χ₁ of every Weibull pair).", valueName: "name"))
    var table: TableArgument?

    @Flag(help: "Print JSON (with the maps on a grid) instead of text.")
    var json = false

    enum TableArgument: String, ExpressibleByArgument, CaseIterable {
        case weibull
    }

    func validate() throws {
        guard (1...300).contains(points) else { throw ValidationError("--points must be in 1...300") }
        guard sigmaW > 0, sigmaB >= 0 else {
            throw ValidationError("--sigma-w must be positive, --sigma-b not negative")
        }
        if let q, !(q > 0) { throw ValidationError("--q must be positive") }
        if table == nil { _ = try resolvedActivation() }
    }

    func resolvedActivation() throws -> Activation {
        try Activation.option(activation, theta: theta)
    }

    func run() throws {
        try Runtime.reportingErrors {
            if table == .weibull {
                Console.output(EdgeOfChaosReport.weibullTable(points: points), terminator: "")
                return
            }
            let activation = try resolvedActivation()
            let field = MeanField(
                activation: activation, weights: weights ?? (activation.isWeibullPair ? .weibull : .gaussian),
                theta: theta, sigmaW: sigmaW, sigmaB: sigmaB, points: points)
            let report = EdgeOfChaosReport(field: field, q: q)
            Console.output(json ? report.json : report.text, terminator: "")
        }
    }
}

extension Activation {
    var isWeibullPair: Bool {
        if case .weibull = self { return true }
        return false
    }
}
