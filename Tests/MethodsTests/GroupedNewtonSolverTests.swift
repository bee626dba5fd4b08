import Foundation
import Methods
import Optimizers
import TestSupport
import Testing

/// The worked example of methods.md §3.6, computed here from the scalar function itself:
/// L(θ₁, θ₂) = θ₁⁴/4 + θ₁θ₂ + θ₂²/2 + θ₂³/6 at θ = (1, 0.5), canonical partition (two scalars), u = g.
@Suite struct GroupedNewtonSolverTests {
    static func loss(_ t: [Double]) -> Double {
        pow(t[0], 4) / 4 + t[0] * t[1] + t[1] * t[1] / 2 + pow(t[1], 3) / 6
    }
    static let theta = [1.0, 0.5]
    // Analytic derivatives: g, H, and the diagonal of the third-derivative tensor.
    static let g = [pow(theta[0], 3) + theta[1], theta[0] + theta[1] + theta[1] * theta[1] / 2]
    static let hessian = [3 * theta[0] * theta[0], 1, 1, 1 + theta[1]]
    static let third = [6 * theta[0], 1.0]  // ∂³L/∂θ₁³, ∂³L/∂θ₂³ (no other third derivative touches u along one axis)

    /// ḡ = U·g, H̄ = U·H·U, D3_i = T_iii·u_i³ with U = Diag(u), u = g.
    static var tensors: (gBar: [Double], hBar: [Double], d3: [Double]) {
        let u = g
        return (
            [g[0] * u[0], g[1] * u[1]],
            [u[0] * hessian[0] * u[0], u[0] * hessian[1] * u[1], u[1] * hessian[2] * u[0], u[1] * hessian[3] * u[1]],
            [third[0] * pow(u[0], 3), third[1] * pow(u[1], 3)]
        )
    }

    /// θ − Σ ηᵢ u₍ᵢ₎, and the loss there.
    static func lossAfter(_ eta: [Double]) -> Double {
        loss([theta[0] - eta[0] * g[0], theta[1] - eta[1] * g[1]])
    }

    @Test func orderTwoStep() throws {
        let (gBar, hBar, _) = Self.tensors
        let eta = try GroupedNewtonSolver.orderTwo(gBar: gBar, hBar: hBar)
        #expect(abs(eta[0] - 0.11904762) < 1e-6 && abs(eta[1] - 0.59340659) < 1e-6)
        #expect(abs(Self.loss(Self.theta) - 0.8958333) < 1e-6)
        #expect(abs(Self.lossAfter(eta) - -0.1764571) < 1e-6)
    }

    @Test(arguments: [
        (1.0, 0.82162494, [0.11297565, 0.46876122]), (0.1, 0.98831045, [0.1194758, 0.57422598]),
        (10.0, 0.44869400, [0.07007516, 0.24985247]),
    ])
    func cubicRegularizedStep(_ lambda: Double, _ r: Double, _ expected: [Double]) throws {
        let (gBar, hBar, d3) = Self.tensors
        let step = try GroupedNewtonSolver.orderThree(gBar: gBar, hBar: hBar, d3: d3, lambda: lambda)
        #expect(abs(step.r - r) < 1e-6, "λ = \(lambda): r = \(step.r)")
        #expect(abs(step.eta[0] - expected[0]) < 1e-6 && abs(step.eta[1] - expected[1]) < 1e-6, "\(step.eta)")
        if lambda == 1 { #expect(abs(Self.lossAfter(step.eta) - -0.0671646) < 1e-6) }
    }

    /// The trivial partition (S = 1): ḡ = ‖g‖², H̄ = uᵀHu, D3 = T[u, u, u], and η = ḡ/H̄ is the exact Newton
    /// line-search step along u.
    @Test func trivialPartition() throws {
        let u = Self.g
        let gBar = u[0] * Self.g[0] + u[1] * Self.g[1]
        let hBar = u[0] * u[0] * Self.hessian[0] + 2 * u[0] * u[1] * Self.hessian[1] + u[1] * u[1] * Self.hessian[3]
        let d3 = Self.third[0] * pow(u[0], 3) + Self.third[1] * pow(u[1], 3)
        #expect(abs(gBar - 4.890625) < 1e-12 && abs(hBar - 15.5859375) < 1e-12 && abs(d3 - 24.541015625) < 1e-12)
        let eta = try GroupedNewtonSolver.orderTwo(gBar: [gBar], hBar: [hBar])
        #expect(abs(eta[0] - 0.31378446) < 1e-6)
    }

    @Test func indefiniteAndSingularCases() throws {
        // Indefinite H̄ without regularization is refused; with it, a step exists and decreases the model.
        let gBar = [1.0, 0.5]
        let hBar = [1.0, 0, 0, -2.0]
        #expect(throws: GroupedNewtonSolver.Failure.indefiniteWithoutRegularization) {
            try GroupedNewtonSolver.orderThree(gBar: gBar, hBar: hBar, d3: [1, 1], lambda: 0)
        }
        let step = try GroupedNewtonSolver.orderThree(gBar: gBar, hBar: hBar, d3: [1, 8], lambda: 1)
        // At the solution the regularized matrix is positive definite and the fixed point holds.
        let d = [1.0, 2.0]
        let r = (d[0] * d[0] * step.eta[0] * step.eta[0] + d[1] * d[1] * step.eta[1] * step.eta[1]).squareRoot()
        #expect(abs(r - step.r) < 1e-9)
        #expect(-2 + 0.5 * r * d[1] * d[1] > 0)
        #expect(throws: GroupedNewtonSolver.Failure.singular) {
            try GroupedNewtonSolver.orderTwo(gBar: [1, 1], hBar: [1, 1, 1, 1])
        }
    }

    /// A singular positive semi-definite H̄ (eigenvalues 0 and 2) with ḡ in its range: H̄ + ½λxD² is singular
    /// at the lower bracket x = 0, yet the step exists. With D = I and ḡ = (1, 1) the stationarity equations
    /// `(H̄ + ½λ‖η‖)η = ḡ` give η₁ = η₂ = 1/(2 + r/2) with r = ‖η‖ = √2·η₁, so r² + 4r − 2√2 = 0.
    @Test func singularPositiveSemiDefiniteHessian() throws {
        let (gBar, hBar) = ([1.0, 1.0], [1.0, 1, 1, 1])
        let step = try GroupedNewtonSolver.orderThree(gBar: gBar, hBar: hBar, d3: [1, 1], lambda: 1)
        let r = -2 + (4 + 2 * 2.0.squareRoot()).squareRoot()
        #expect(abs(step.r - r) < 1e-10, "r = \(step.r)")
        #expect(abs(step.eta[0] - 1 / (2 + r / 2)) < 1e-10 && abs(step.eta[1] - 1 / (2 + r / 2)) < 1e-10, "\(step.eta)")
        // The residual of the stationarity equations at the returned η.
        let norm = (step.eta[0] * step.eta[0] + step.eta[1] * step.eta[1]).squareRoot()
        for i in 0..<2 {
            let row = hBar[2 * i] * step.eta[0] + hBar[2 * i + 1] * step.eta[1] + 0.5 * norm * step.eta[i]
            #expect(abs(row - gBar[i]) < 1e-10)
        }
    }

    @Test func brentFindsRoots() {
        let root = GroupedNewtonSolver.brent({ $0 * $0 * $0 - 2 * $0 - 5 }, 2, 3)  // Wallis's cubic
        #expect(abs(root! - 2.0945514815423265) < 1e-12)
        #expect(GroupedNewtonSolver.brent({ $0 * $0 + 1 }, -1, 1) == nil)
    }
}
