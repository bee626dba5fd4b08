import Configuration

/// Grouped Newton's keys of the `optimizer` section (`gn_*`). `solver` is the part the state machine
/// (`GroupedNewton`) takes; the rest chooses the partition, the direction and the refresh batch.
public struct GroupedNewtonSettings: Sendable, Decodable, Equatable {
    /// `gn_partition`: a `Partition.Kind`, or `groups` of named tensors (`gn_groups`).
    public enum PartitionChoice: String, Sendable, Decodable, CaseIterable {
        case tensor, layer, trivial, groups
        case weightsBiases = "weights-biases"
    }
    /// `gn_direction`: the direction u the rates are computed along.
    public enum DirectionChoice: String, Sendable, Decodable, CaseIterable { case gradient, momentum, adam }

    public let partition: PartitionChoice
    /// `a,b;c` for `partition: groups`: tensors comma-separated within a group, groups separated by `;`.
    public let groups: String
    public let direction: DirectionChoice
    public let order: Int
    public let lambda: Double
    public let ridge: Double
    public let damping: Double
    /// Steps between refreshes of the tensors.
    public let period: Int
    /// Samples of the refresh batch; 0 means the training batch size.
    public let batchSize: Int
    public let movingAverage: Double
    public let removeNegative: Bool
    public let averagePeriod: Int
    public let warmup: Int
    public let plateauPatience: Int
    public let plateauFactor: Double
    public let plateauThreshold: Double

    enum CodingKeys: String, CodingKey {
        case partition = "gn_partition", groups = "gn_groups", direction = "gn_direction", order = "gn_order"
        case lambda = "gn_lambda", ridge = "gn_ridge", damping = "gn_damping", period = "gn_period"
        case batchSize = "gn_batch_size", movingAverage = "gn_moving_average", removeNegative = "gn_remove_negative"
        case averagePeriod = "gn_average_period", warmup = "gn_warmup", plateauPatience = "gn_plateau_patience"
        case plateauFactor = "gn_plateau_factor", plateauThreshold = "gn_plateau_threshold"
    }

    /// The state machine's settings.
    public var solver: GroupedNewton.Settings {
        var settings = GroupedNewton.Settings()
        settings.order = order
        settings.lambda = lambda
        settings.ridge = ridge
        settings.damping = damping
        settings.movingAverage = movingAverage
        settings.removeNegative = removeNegative
        settings.uniformAveragePeriod = averagePeriod
        settings.warmup = warmup
        settings.plateauPatience = plateauPatience
        settings.plateauFactor = plateauFactor
        settings.plateauThreshold = plateauThreshold
        return settings
    }
}
