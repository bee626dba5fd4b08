import Methods
import Optimizers
import TestSupport
import Testing

@Suite struct AlraoSwitchTests {
    /// The test vector of methods.md §2.1 [derived]: K = 3, evidence sequence (−0.5, −1, −2),
    /// (−0.6, −0.4, −3), (−0.6, −0.4, −3); posteriors after each step, to 1e-6.
    @Test func publishedVector() {
        var sw = AlraoSwitch(copies: 3)
        let evidence: [[Double]] = [[-0.5, -1, -2], [-0.6, -0.4, -3], [-0.6, -0.4, -3]]
        let expected: [[Double]] = [
            [0.439952, 0.332416, 0.227632], [0.449566, 0.423454, 0.126981], [0.427996, 0.479855, 0.092148],
        ]
        for (ell, posterior) in zip(evidence, expected) {
            sw.update(meanLosses: ell.map { -$0 })
            for k in 0..<3 { #expect(abs(sw.posterior[k] - posterior[k]) < 1e-6, "\(sw.posterior) vs \(posterior)") }
            #expect(abs(sw.posterior.reduce(0, +) - 1) < 1e-12)
        }
        #expect(sw.t == 4)
    }

    @Test func oneCopyNeverMoves() {
        var sw = AlraoSwitch(copies: 1)
        sw.update(meanLosses: [3])
        #expect(sw.posterior == [1])
        #expect(sw.t == 1)
    }

    /// A copy with an infinite loss loses all its own weight and keeps only its share of the switching
    /// mass: with both rows' evidence scaled alike, ΣW₀/(ΣW₀ + ΣW₁) = θ, so its posterior is π(1)·θ/K =
    /// θ/6 exactly (by hand from the update rule), and the posterior stays normalized.
    @Test func infiniteLossKeepsOnlyTheSwitchingShare() {
        var sw = AlraoSwitch(copies: 3)
        sw.update(meanLosses: [0.5, .infinity, 1])
        #expect(abs(sw.posterior[1] - 0.9999 / 6) < 1e-12)
        #expect(abs(sw.posterior.reduce(0, +) - 1) < 1e-12)
        #expect(AlraoSwitch(copies: 3, logWeights: sw.logWeights, t: sw.t) == sw)
    }
}
