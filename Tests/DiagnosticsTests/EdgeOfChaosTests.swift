import Cluster
import Diagnostics
import Networks
import Testing

/// The edge-of-chaos points on record and the deep correlation `partita eoc` reports, against the maps'
/// defining properties; the KS experiment on in-process ranks against one process drawing every sample.
@Suite struct EdgeOfChaosTests {
    /// ReLU at (√2, 0): χ₁ = σ_w²·P(Z > 0) = 1 at every q. tanh at (1.2083, 0.1140), the paper's digits:
    /// χ₁(q*) = 1.0011 at the variance fixed point by the 200-point maps, so within 2e-3 of 1 (and inside the
    /// report's edge-of-chaos band). A point off the line is not: tanh at σ_w = 1.1 is ordered.
    @Test func recordedPointsAreOnTheCriticalLine() throws {
        let relu = try #require(MeanField.edgeOfChaos(.relu))
        let reluField = MeanField(
            activation: .relu, weights: .gaussian, theta: 3, sigmaW: relu.sigmaW, sigmaB: relu.sigmaB)
        for q in [0.5, 1, 3] { #expect(abs(reluField.chi1(q: q) - 1) < 1e-12) }
        let tanh = try #require(MeanField.edgeOfChaos(.tanh))
        let tanhField = MeanField(
            activation: .tanh, weights: .gaussian, theta: 3, sigmaW: tanh.sigmaW, sigmaB: tanh.sigmaB, points: 60)
        let fixedPoint = tanhField.varianceFixedPoint()
        #expect(fixedPoint.converged)
        #expect(abs(tanhField.chi1(q: fixedPoint.q) - 1) < 2e-3, "χ₁ = \(tanhField.chi1(q: fixedPoint.q))")
        #expect(EdgeOfChaosReport(field: tanhField, q: nil).phase == "edge of chaos")
        let off = MeanField(
            activation: .tanh, weights: .gaussian, theta: 3, sigmaW: 1.1, sigmaB: tanh.sigmaB, points: 60)
        #expect(EdgeOfChaosReport(field: off, q: nil).phase == "ordered")
        #expect(MeanField.edgeOfChaos(.silu) == nil)
    }

    /// Weibull weights: σ_w²·E[W²] with E[W²] = Γ(1 + 2/θ) (Γ(2) = 1 at θ = 2, Γ(5/3) at θ = 3).
    @Test func weightLawSecondMoments() {
        #expect(abs(MeanField.WeightLaw.weibull.secondMoment(theta: 2) - 1) < 1e-15)
        #expect(abs(MeanField.WeightLaw.weibull.secondMoment(theta: 3) - 0.9027452929509336) < 1e-15)
        let field = MeanField(activation: .tanh, weights: .weibull, theta: 3, sigmaW: 2, sigmaB: 0.5)
        #expect(abs(field.weightVariance - 4 * 0.9027452929509336) < 1e-14 && field.biasVariance == 0.25)
    }

    /// The correlation after 200 layers from c = 0.5: in the ordered phase (tanh, σ_w = 0.8) it reaches 1;
    /// in the chaotic phase (tanh, σ_w = 2.5, σ_b = 0) it stops at c* < 1, a fixed point of C: C(c*) = c*.
    @Test func deepCorrelationReachesTheFixedPointOfItsPhase() {
        let ordered = EdgeOfChaosReport(
            field: MeanField(activation: .tanh, weightVariance: 0.64, biasVariance: 0.01, points: 60), q: nil)
        #expect(ordered.phase == "ordered" && abs(ordered.deepCorrelation - 1) < 1e-9)
        let chaotic = MeanField(activation: .tanh, weightVariance: 6.25, biasVariance: 0, points: 60)
        let report = EdgeOfChaosReport(field: chaotic, q: nil)
        let c = report.deepCorrelation
        #expect(report.phase == "chaotic" && c < 0.9)
        #expect(abs(chaotic.correlation(c, q: report.fixedPoint.q) - c) < 1e-9, "c* = \(c)")
    }

    /// The rank-split experiment gives, on 1, 2 and 3 in-process ranks, exactly the numbers of one process that
    /// draws all N samples itself (`PropagationExperiment.outputs(0..<N)`, its KS distance and moments).
    @Test(arguments: [1, 2, 3])
    func ksExperimentOnSeveralRanksEqualsOneProcess(_ ranks: Int) throws {
        let networks: [PropagationExperiment.Network] = [.tanh, .weibull(WeibullPair(.odd, theta: 3)!)]
        let experiment = GaussianityExperiment(
            samples: 301, seed: 4, networks: networks, panels: [.a, .c], maxWidth: 2)
        let results = try InProcessCluster.run(ranks: ranks) { communicator in
            try experiment.run(communicator: communicator).map { result in
                result.rows.map { [$0.measurement.ks, $0.measurement.mean, $0.measurement.variance] }
            }
        }
        #expect(results.dropFirst().allSatisfy { $0 == nil })
        let rows = try #require(results[0])
        #expect(rows.count == experiment.points.count && rows.count == 2 * 2 * 2)
        for (point, measured) in zip(experiment.points, rows) {
            let outputs = PropagationExperiment(network: point.network, widths: point.widths, seed: 4)
                .outputs(0..<301)
            let moments = Moments(outputs)
            #expect(measured == [PropagationExperiment.ksDistance(outputs), moments.mean, moments.variance])
        }
    }
}
