import Cluster
import Foundation
import Networks

/// What `partita eoc` reports for one setting (methods.md section 1.4): the variance fixed point q*, χ₁ there
/// (and at an extra q), and where the correlation map takes c = 0.5 after `depth` layers.
public struct EdgeOfChaosReport: Sendable {
    public let field: MeanField
    public let fixedPoint: (q: Double, converged: Bool)
    public let chiAtFixedPoint: Double
    public let extra: (q: Double, chi: Double)?
    /// `field.correlation(afterLayers: depth, from: 0.5, q: q*)`.
    public let deepCorrelation: Double
    public static let depth = 200

    public init(field: MeanField, q: Double?) {
        self.field = field
        fixedPoint = field.varianceFixedPoint()
        chiAtFixedPoint = field.chi1(q: fixedPoint.q)
        extra = q.map { ($0, field.chi1(q: $0)) }
        deepCorrelation = field.correlation(afterLayers: Self.depth, from: 0.5, q: fixedPoint.q)
    }

    /// `edge of chaos` when |χ₁(q*) − 1| < 10⁻², else `ordered` (χ₁ < 1) or `chaotic`.
    public var phase: String {
        abs(chiAtFixedPoint - 1) < 1e-2 ? "edge of chaos" : chiAtFixedPoint < 1 ? "ordered" : "chaotic"
    }

    public var text: String {
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

    /// The numbers, with the variance map on q = 0.1, ..., 2 and the correlation map on c = −1, −0.9, ..., 1.
    public var json: String {
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

    /// χ₁ and the variance map of every Weibull pair at q = 1 (methods.md section 1.4), as Markdown.
    public static func weibullTable(points: Int) -> String {
        var lines = [
            "| θ | E[W²] | E[W²]·E[φᵒ²] | χ₁ odd | E[W²]·E[φᵖ²] | E[φᵖ] | χ₁ positive |",
            "|---|---|---|---|---|---|---|",
        ]
        for theta in WeibullPair.thetas(.positive) {
            guard let oddPair = WeibullPair(.odd, theta: theta), let positivePair = WeibullPair(.positive, theta: theta)
            else { continue }
            let odd = MeanField(pair: oddPair, points: points)
            let positive = MeanField(pair: positivePair, points: points)
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
