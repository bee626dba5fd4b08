import Networks

extension ConfigLoader {
    /// Rules that involve several keys, checked once the whole config is known (by `load`, so `partita config`
    /// reports them exactly as `partita train` does).
    public static func checkCombinations(_ config: ResolvedConfig) throws(ConfigError) {
        let activation = config.string("model.activation")
        if activation == "weibull-odd" || activation == "weibull-positive" {
            let family: WeibullPair.Family = activation == "weibull-odd" ? .odd : .positive
            let theta = config.number("model.weibull_theta")
            if WeibullPair(family, theta: theta) == nil {
                throw ConfigError(
                    location: "model.weibull_theta",
                    message: "\(activation) has no fitted activation for θ = \(WeibullPair.format(theta)); valid θ: "
                        + WeibullPair.thetas(family).map(WeibullPair.format).joined(separator: ", "))
            }
        }
    }
}
