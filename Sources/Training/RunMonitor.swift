public import Configuration

/// A metric of the evaluations and which way is better: `validation.accuracy:max`, `validation.loss:min`
/// (`train.keep_best`, `train.early_stopping.metric`). Without `:max`/`:min`, accuracy is maximized and
/// loss minimized.
public struct MetricRule: Sendable, Equatable, CustomStringConvertible {
    public let split: String
    public let field: String
    public let maximize: Bool

    /// Parses `text` of the config key `location`, checking that a run with this data logs the metric.
    public init(_ text: String, location: String, isClassification: Bool, hasValidation: Bool) throws(ConfigError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, name.count == 2 else {
            throw ConfigError(
                location: location, message: "'\(text)' is not split.field[:max|min], e.g. validation.accuracy:max")
        }
        (split, field) = (name[0], name[1])
        let logged = ["loss"] + (isClassification ? ["accuracy"] : [])
        guard split == "validation", logged.contains(field) else {
            throw ConfigError(
                location: location,
                message: "'\(parts[0])' is never logged by this run; evaluations log "
                    + logged.map { "validation.\($0)" }.joined(separator: ", "))
        }
        guard hasValidation else {
            throw ConfigError(location: location, message: "the run has no validation split (data.validation is 0)")
        }
        switch parts.count == 2 ? parts[1] : (field == "loss" ? "min" : "max") {
        case "max": maximize = true
        case "min": maximize = false
        default: throw ConfigError(location: location, message: "'\(parts[1])' must be max or min")
        }
    }

    /// The metric's value in `result`, or nil when `result` is of another split.
    public func value(of result: EvaluationResult) -> Double? {
        guard result.split == split else { return nil }
        return field == "loss" ? result.loss : result.accuracy
    }

    /// Whether `value` beats `best` by more than `margin` (any finite value beats none).
    public func improves(_ value: Double, on best: Double?, by margin: Double = 0) -> Bool {
        guard value.isFinite else { return false }
        guard let best else { return true }
        return maximize ? value > best + margin : value < best - margin
    }

    public var description: String { "\(split).\(field):\(maximize ? "max" : "min")" }
}

/// Watches the evaluations for the best checkpoint (`train.keep_best`) and early stopping
/// (`train.early_stopping`): a pure state machine, fed each evaluation in order, answering what to do.
/// Every rank sees the same all-reduced evaluations, so every rank takes the same decisions.
public struct RunMonitor: Sendable {
    public let keepBest: MetricRule?
    public let earlyStopping: MetricRule?
    public let patience: Int
    public let minDelta: Double
    private(set) var best: Double?
    private(set) var watched: Double?
    /// Evaluations since the watched metric last improved.
    private(set) var stale = 0

    public struct Decision: Sendable, Equatable {
        /// Save this step's parameters as `checkpoints/best`.
        public var saveBest = false
        /// The reason to stop now, if any.
        public var stop: String?
    }

    public init(_ settings: TrainSettings, isClassification: Bool, hasValidation: Bool) throws(ConfigError) {
        keepBest =
            settings.keepBest.isEmpty
            ? nil
            : try MetricRule(
                settings.keepBest, location: "train.keep_best", isClassification: isClassification,
                hasValidation: hasValidation)
        earlyStopping =
            settings.earlyStoppingMetric.isEmpty
            ? nil
            : try MetricRule(
                settings.earlyStoppingMetric, location: "train.early_stopping.metric",
                isClassification: isClassification, hasValidation: hasValidation)
        patience = settings.earlyStoppingPatience
        minDelta = settings.earlyStoppingMinDelta
    }

    public var isActive: Bool { keepBest != nil || earlyStopping != nil }

    public mutating func observe(_ result: EvaluationResult) -> Decision {
        var decision = Decision()
        if let rule = keepBest, let value = rule.value(of: result), rule.improves(value, on: best) {
            best = value
            decision.saveBest = true
        }
        if let rule = earlyStopping, let value = rule.value(of: result) {
            if rule.improves(value, on: watched, by: minDelta) {
                watched = value
                stale = 0
            } else {
                stale += 1
                if stale >= patience {
                    decision.stop =
                        "early stopping: \(rule) did not improve by more than \(minDelta) in \(patience) "
                        + "evaluations (best \(watched.map { "\($0)" } ?? "none"))"
                }
            }
        }
        return decision
    }
}
