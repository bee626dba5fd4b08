import ArgumentParser
import Cluster
import Diagnostics
import Foundation
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
    var weights: WeightLawArgument?

    @Option(help: "Also evaluate χ₁ at this variance q (e.g. 1 for the Weibull pairs' exact fixed point).")
    var q: Double?

    @Option(help: "Gauss-Hermite points (1 to 300).")
    var points = 200

    @Option(help: ArgumentHelp("Print a table instead: weibull (χ₁ of every Weibull pair).", valueName: "name"))
    var table: TableArgument?

    @Flag(help: "Print JSON (with the maps on a grid) instead of text.")
    var json = false

    enum WeightLawArgument: String, ExpressibleByArgument, CaseIterable {
        case gaussian, weibull
    }

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
                Console.output(Self.weibullTable(points: points), terminator: "")
                return
            }
            let activation = try resolvedActivation()
            let law = weights ?? (activation.isWeibullPair ? .weibull : .gaussian)
            let secondMoment = law == .weibull ? tgamma(1 + 2 / theta) : 1
            let field = MeanField(
                activation: activation, weightVariance: sigmaW * sigmaW * secondMoment, biasVariance: sigmaB * sigmaB,
                points: points)
            let report = EdgeOfChaosReport(field: field, q: q)
            Console.output(json ? report.json : report.text, terminator: "")
        }
    }

    /// χ₁ and the variance map of every Weibull pair at q = 1 (methods.md section 1.4), as Markdown.
    static func weibullTable(points: Int) -> String {
        var lines = [
            "| θ | E[W²] | E[W²]·E[φᵒ²] | χ₁ odd | E[W²]·E[φᵖ²] | E[φᵖ] | χ₁ positive |",
            "|---|---|---|---|---|---|---|",
        ]
        for theta in WeibullPair.thetas(.positive) {
            let odd = MeanField(pair: WeibullPair(.odd, theta: theta)!, points: points)
            let positive = MeanField(pair: WeibullPair(.positive, theta: theta)!, points: points)
            lines.append(
                "| \(WeibullPair.format(theta)) | "
                    + String(
                        format: "%.4f | %.4f | %.4f | %.4f | %.4f | %.4f |", odd.weightVariance, odd.variance(1),
                        odd.chi1(q: 1), positive.variance(1), positive.activationMoments(q: 1).mean,
                        positive.chi1(q: 1)))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Activation {
    var isWeibullPair: Bool {
        if case .weibull = self { return true }
        return false
    }
}

/// What `partita eoc` reports for one setting.
struct EdgeOfChaosReport {
    let field: MeanField
    let fixedPoint: (q: Double, converged: Bool)
    let chiAtFixedPoint: Double
    let extra: (q: Double, chi: Double)?
    /// The correlation after `depth` layers from c₀ = 0.5: it tends to 1 in the ordered phase and to the
    /// stable fixed point c* < 1 in the chaotic phase (slowly, like a power of the depth, at the edge of chaos).
    let deepCorrelation: Double
    static let depth = 200

    init(field: MeanField, q: Double?) {
        self.field = field
        fixedPoint = field.varianceFixedPoint()
        chiAtFixedPoint = field.chi1(q: fixedPoint.q)
        extra = q.map { ($0, field.chi1(q: $0)) }
        var c = 0.5
        for _ in 0..<Self.depth {
            let next = min(1, field.correlation(c, q: fixedPoint.q))
            if abs(next - c) < 1e-12 { break }
            c = next
        }
        deepCorrelation = c
    }

    var phase: String {
        abs(chiAtFixedPoint - 1) < 1e-2 ? "edge of chaos" : chiAtFixedPoint < 1 ? "ordered" : "chaotic"
    }

    var text: String {
        var lines = [
            "\(field.activation.name)\(activationDetail), σ_w²·E[W²] = \(format(field.weightVariance)), "
                + "σ_b² = \(format(field.biasVariance)), \(field.quadrature.nodes.count)-point Gauss-Hermite",
            "V(1)           \(format(field.variance(1)))",
            "q*             \(format(fixedPoint.q))" + (fixedPoint.converged ? "" : " (not converged)"),
            "χ₁(q*)         \(format(chiAtFixedPoint))  (\(phase))",
            "c after \(Self.depth) layers from c = 0.5: \(format(deepCorrelation))",
        ]
        if let extra { lines.append("χ₁(q = \(format(extra.q)))    \(format(extra.chi))") }
        return lines.joined(separator: "\n") + "\n"
    }

    var activationDetail: String {
        if case .weibull(let pair) = field.activation { return " θ=\(WeibullPair.format(pair.theta))" }
        return ""
    }

    var json: String {
        var line = JSONLine()
        line.add("activation", field.activation.name)
        if case .weibull(let pair) = field.activation { line.add("theta", pair.theta) }
        line.add("weight_variance", field.weightVariance)
        line.add("bias_variance", field.biasVariance)
        line.add("q_star", fixedPoint.q)
        line.add("converged", fixedPoint.converged)
        line.add("chi1", chiAtFixedPoint)
        line.add("depth", Self.depth)
        line.add("c_at_depth", deepCorrelation)
        if let extra {
            line.add("q", extra.q)
            line.add("chi1_at_q", extra.chi)
        }
        let qs = (1...20).map { Double($0) * 0.1 }
        line.add("variance_map", raw: "{\"q\":\(JSONLine.array(qs)),\"V\":\(JSONLine.array(qs.map(field.variance)))}")
        let cs = (0...20).map { -1 + Double($0) * 0.1 }
        let mapped = cs.map { field.correlation($0, q: fixedPoint.q) }
        line.add("correlation_map", raw: "{\"c\":\(JSONLine.array(cs)),\"C\":\(JSONLine.array(mapped))}")
        return line.description + "\n"
    }

    func format(_ value: Double) -> String { String(format: "%.6g", value) }
}
