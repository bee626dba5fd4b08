public import Configuration

/// Variational inference's keys of the `optimizer` section (`vi_*`).
public struct VariationalSettings: Sendable, Decodable, Equatable {
    public enum PriorChoice: String, Sendable, Decodable, CaseIterable {
        case gaussian, laplace
        case meansDecay = "means-decay"
    }

    public let prior: PriorChoice
    /// The prior's variance; 0 means each layer's initialization variance.
    public let priorVariance: Double
    public let initStd: Double
    /// Weight samples averaged by the predictive distribution at evaluation.
    public let evalSamples: Int
    /// The rule that updates (μ, ρ).
    public let optimizer: OptimizerSettings.FirstOrder

    enum CodingKeys: String, CodingKey {
        case prior = "vi_prior", priorVariance = "vi_prior_variance", initStd = "vi_init_std"
        case evalSamples = "vi_eval_samples", optimizer = "vi_optimizer"
    }
}
