import ArgumentParser
import Cluster
import Foundation
import Methods
import Optimizers

/// `partita vi-check`: which penalties are KL divergences to a prior, and to which.
struct VICheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vi-check",
        abstract: "Check which penalties r(μ, σ) on a Gaussian posterior are KL(q‖α) for some prior α, and find α.",
        discussion: """
            A penalty is VI-compatible iff F = r + ln σ solves the heat equation (1/σ)·∂F/∂σ = ∂²F/∂μ² and has a \
            finite limit as σ → 0; the prior is then α ∝ exp(−lim_{σ→0} F). For each built-in family the residual \
            of the equation is measured by finite differences on the grid μ ∈ [−2, 2] (step 0.25, so μ = 0 is on \
            it), σ ∈ [0.25, 2], relative to the equation's larger side.
            """)

    @Option(help: "λ of the L2 and L1 penalties.")
    var lambda = 0.5

    @Option(help: "κ of the cosine family.")
    var kappa = 1.0

    @Option(help: "ω of the cosine family.")
    var omega = 2.0

    @Option(help: "s², the variance of the Gaussian KL.")
    var variance = 0.3

    @Option(help: "b, the scale of the Laplace form.")
    var scale = 0.7

    @Flag(help: "Print JSON lines.")
    var json = false

    func validate() throws {
        guard lambda > 0, kappa > 0, omega > 0, variance > 0, scale > 0 else {
            throw ValidationError("--lambda, --kappa, --omega, --variance and --scale must be positive")
        }
    }

    func run() throws {
        let penalties = PenaltyCompatibility.builtIn(
            lambda: lambda, kappa: kappa, omega: omega, variance: variance, scale: scale)
        if !json {
            Console.output("penalty        r(μ, σ)                                   compatible  residual    prior")
        }
        for penalty in penalties {
            let verdict = PenaltyCompatibility.check(penalty)
            if json {
                var line = JSONLine()
                line.add("penalty", penalty.name)
                line.add("formula", penalty.formula)
                line.add("compatible", verdict.compatible)
                line.add("residual", verdict.residual)
                line.add("finite_limit", verdict.finiteLimit)
                line.add("prior", verdict.prior.map { "\($0)" })
                Console.output(line.description)
            } else {
                Console.output(
                    penalty.name.padding(toLength: 15, withPad: " ", startingAt: 0)
                        + penalty.formula.padding(toLength: 42, withPad: " ", startingAt: 0)
                        + (verdict.compatible ? "yes" : "no ").padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: "%-11.2e ", verdict.residual)
                        + (verdict.prior.map { "\($0)" } ?? (verdict.finiteLimit ? "—" : "— (F has no limit as σ → 0)"))
                )
            }
        }
    }
}
