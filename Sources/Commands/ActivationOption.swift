import ArgumentParser
import Configuration
import Networks
import Training

extension Activation {
    /// The activation `--activation NAME` names, with `--theta` for the Weibull-paired ones
    /// (`Activation(name:weibullTheta:)`); a usage error that lists the choices otherwise.
    static func option(_ name: String, theta: Double) throws -> Activation {
        if let activation = Activation(name: name, weibullTheta: theta) { return activation }
        if let valid = ConfigLoader.validWeibullThetas(activation: name, theta: theta) {
            throw ValidationError("--theta \(WeibullPair.format(theta)) has no fitted \(name) activation; \(valid)")
        }
        throw ValidationError(
            "--activation: unknown activation '\(name)'; choose from \(Activation.names.joined(separator: ", "))")
    }
}
