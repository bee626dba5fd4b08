import Networks

extension ConfigLoader {
    /// Rules that involve several keys, checked once the whole config is known (by `load`, so `partita config`
    /// reports them exactly as `partita train` does).
    public static func checkCombinations(_ config: ResolvedConfig) throws(ConfigError) {
        let activation = config.string("model.activation")
        let theta = config.number("model.weibull_theta")
        if let valid = validWeibullThetas(activation: activation, theta: theta) {
            throw ConfigError(
                location: "model.weibull_theta",
                message: "\(activation) has no fitted activation for θ = \(WeibullPair.format(theta)); \(valid)")
        }
        _ = try config.typed().model.layers()  // a layer spec that does not parse is an error before any data
    }

    /// `valid θ: 2.05, 2.1, ...` when `Activation(name:weibullTheta:)` rejects the Weibull-paired activation
    /// `name` because θ is not a row of its family's table; nil when `name` with θ is an activation, or not
    /// a Weibull-paired name at all. Shared by the config check and the commands' `--theta`.
    public static func validWeibullThetas(activation name: String, theta: Double) -> String? {
        guard Activation(name: name, weibullTheta: theta) == nil,
            let family = WeibullPair.Family.allCases.first(where: { "weibull-" + $0.rawValue == name })
        else { return nil }
        return "valid θ: " + WeibullPair.thetas(family).map(WeibullPair.format).joined(separator: ", ")
    }
}
