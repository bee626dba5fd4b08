import Foundation
import Methods
import Optimizers
import Tensors
import TestSupport
import Testing

@Suite struct VariationalTests {
    /// The closed-form KLs against Monte Carlo, E_q[ln q(θ) − ln α(θ)] over M = 400 000 draws of θ ~ N(μ, σ²).
    /// The estimator's standard deviation is std(ln q − ln α)/√M, computed alongside; the check allows 5 of them.
    @Test(arguments: [
        (VariationalPrior.gaussian(variance: 0.5), 0.3, 0.4), (.gaussian(variance: 2), -1.2, 1.5),
        (.laplace(scale: 0.7), 0.3, 0.4), (.laplace(scale: 1.5), -1.0, 0.2),
    ])
    func closedFormKLMatchesMonteCarlo(_ prior: VariationalPrior, _ mu: Double, _ sigma: Double) {
        var stream = RandomStream(seed: 11, key: .testing)
        let m = 400_000
        var sum = 0.0
        var sumSquares = 0.0
        for _ in 0..<m {
            let z = stream.normal()
            let theta = mu + sigma * z
            let logQ = -0.5 * z * z - log(sigma) - 0.5 * log(2 * Double.pi)
            let value = logQ + prior.negativeLogDensity(theta)
            sum += value
            sumSquares += value * value
        }
        let mean = sum / Double(m)
        let standardError = ((sumSquares / Double(m) - mean * mean) / Double(m)).squareRoot()
        let exact = prior.kl(mean: mu, std: sigma)
        #expect(abs(mean - exact) < 5 * standardError, "\(prior): MC \(mean) ± \(standardError), closed form \(exact)")
        #expect(standardError < 0.01)
    }

    /// The KL gradients against central differences of the closed forms.
    @Test func klGradients() {
        for prior in [VariationalPrior.gaussian(variance: 0.7), .laplace(scale: 0.9)] {
            for (mu, sigma) in [(0.4, 0.3), (-1.1, 0.8), (0.0, 1.2)] {
                let (dMu, dSigma) = prior.klGradient(mean: mu, std: sigma)
                let h = 1e-6
                let numericMu = (prior.kl(mean: mu + h, std: sigma) - prior.kl(mean: mu - h, std: sigma)) / (2 * h)
                let numericSigma = (prior.kl(mean: mu, std: sigma + h) - prior.kl(mean: mu, std: sigma - h)) / (2 * h)
                #expect(
                    abs(dMu - numericMu) < 1e-8 && abs(dSigma - numericSigma) < 1e-8, "\(prior) at (\(mu), \(sigma))")
            }
        }
    }

    /// Means-only weight decay: the penalty's gradient against central differences (it has no σ term), and the
    /// gap to its completion's KL is the missing `σ²/(2s²) − ln σ` up to the constant `ln s − ½`.
    @Test func meansOnlyDecayAgainstItsCompletion() {
        let s2 = 0.4
        let decay = VariationalPrior.meansOnlyDecay(variance: s2)
        #expect(decay.completion == .gaussian(variance: s2))
        for (mu, sigma) in [(0.4, 0.3), (-1.1, 0.8), (0.0, 1.2)] {
            let (dMu, dSigma) = decay.penaltyGradient(mean: mu, std: sigma)
            let h = 1e-6
            let numericMu =
                (decay.penalty(mean: mu + h, std: sigma) - decay.penalty(mean: mu - h, std: sigma)) / (2 * h)
            #expect(abs(dMu - numericMu) < 1e-8 && dSigma == 0)
            let gap = decay.completion.kl(mean: mu, std: sigma) - decay.penalty(mean: mu, std: sigma)
            let expected = sigma * sigma / (2 * s2) - log(sigma) + 0.5 * log(s2) - 0.5
            #expect(abs(gap - expected) < 1e-12)
        }
    }

    /// The verdicts of methods.md §5.3's table.
    @Test func compatibilityVerdicts() {
        let verdicts = Dictionary(
            uniqueKeysWithValues: PenaltyCompatibility.builtIn(
                lambda: 0.5, kappa: 1, omega: 2, variance: 0.3, scale: 0.7
            )
            .map { ($0.name, PenaltyCompatibility.check($0)) })
        #expect(verdicts["l2-means"]!.compatible == false)
        #expect(verdicts["l1"]!.compatible == false)
        #expect(verdicts["l2-means"]!.residual > 0.1 && verdicts["l1"]!.residual > 0.1)
        for name in ["l2-log-sigma", "cosine", "gaussian-kl", "laplace"] {
            #expect(verdicts[name]!.compatible, "\(name): residual \(verdicts[name]!.residual)")
            #expect(verdicts[name]!.residual < 1e-5)
        }
        // λ(μ² + σ²) − ln σ is N(0, 1/(2λ)); the Gaussian KL gives back its s²; the Laplace form its b.
        guard case .gaussian(let v1) = verdicts["l2-log-sigma"]!.prior,
            case .gaussian(let v2) = verdicts["gaussian-kl"]!.prior,
            case .laplace(let b) = verdicts["laplace"]!.prior,
            case .other(_, let normalizable) = verdicts["cosine"]!.prior
        else {
            Issue.record(
                "unexpected priors: \(verdicts.mapValues { $0.prior.map(String.init(describing:)) ?? "none" })")
            return
        }
        #expect(abs(v1 - 1.0) < 1e-6)  // 1/(2·0.5)
        #expect(abs(v2 - 0.3) < 1e-6)
        #expect(abs(b - 0.7) < 1e-6)
        #expect(!normalizable)  // ψ = −κ·cos(ωθ) is periodic
    }

    /// Weight decay λ on a data term averaged over n samples is the per-sample penalty λ(μ² + σ²) − (ln σ)/n
    /// completed by the σ terms, that is n·λ(μ² + σ²) − ln σ at the KL's scale: the prior N(0, 1/(2nλ)).
    @Test(arguments: [(1e-4, 1000), (5e-3, 60)])
    func weightDecayPriorVariance(_ lambda: Double, _ n: Int) {
        let scaled = PenaltyCompatibility.builtIn(lambda: lambda * Double(n)).first { $0.name == "l2-log-sigma" }!
        let verdict = PenaltyCompatibility.check(scaled)
        guard case .gaussian(let variance) = verdict.prior else {
            Issue.record("no Gaussian prior recovered: \(String(describing: verdict.prior))")
            return
        }
        #expect(abs(variance - 1 / (2 * Double(n) * lambda)) < 1e-6 * variance)
    }
}
