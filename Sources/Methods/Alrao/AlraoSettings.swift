public import Configuration

/// Alrao's keys of the `optimizer` section (`alrao_*`); the shared ones (`dampening`, `weight_decay`, Adam's
/// β and ε) come from `OptimizerSettings`.
public struct AlraoSettings: Sendable, Decodable, Equatable {
    /// η_min and η_max of the log-uniform per-unit rates and the copies' grid.
    public let minLR: Double
    public let maxLR: Double
    /// K, the copies of the output layer.
    public let copies: Int
    /// The rule that updates the body and the copies.
    public let body: OptimizerSettings.FirstOrder
    public let momentum: Double

    enum CodingKeys: String, CodingKey {
        case minLR = "alrao_min_lr", maxLR = "alrao_max_lr", copies = "alrao_copies", body = "alrao_body"
        case momentum = "alrao_momentum"
    }
}
