import Configuration

/// The general Gauss-Newton optimizer's keys of the `optimizer` section (`ggn_*`).
public struct GaussNewtonSettings: Sendable, Decodable, Equatable {
    /// λ of the damped system (G + λI)·d = −g.
    public let damping: Double
    public let cgIterations: Int
    public let cgTolerance: Double
    /// Levenberg–Marquardt adaptation of λ from the ratio of actual to predicted decrease.
    public let adaptDamping: Bool

    enum CodingKeys: String, CodingKey {
        case damping = "ggn_damping", cgIterations = "ggn_cg_iterations", cgTolerance = "ggn_cg_tolerance"
        case adaptDamping = "ggn_adapt_damping"
    }
}
