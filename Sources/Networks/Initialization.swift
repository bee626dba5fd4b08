import RealModule
public import Tensors

/// How a dense layer's weights `W (outputs, inputs)` and bias `b (outputs)` are drawn at the start.
///
/// `fan_in` is the layer's input count. Every layer draws from its own stream
/// `(seed, StreamKey.initialization.with(index: layer))`, weights in row-major order then the bias, so any
/// process computes the same initial parameters and changing one layer's width leaves the others alone.
public enum Initialization: Hashable, Sendable {
    /// `W ~ N(0, σ_w²/fan_in)`, `b ~ N(0, σ_b²)`: the LeCun-style scaling of the grouped Newton and
    /// Gaussianity papers (σ_w = 1 gives LeCun normal).
    case gaussian(sigmaW: Double, sigmaB: Double)
    /// `W ~ N(0, 2/fan_in)`, `b = 0` (He et al. 2015, for ReLU).
    case he
    /// `W ~ U(−a, a)` with `a = √(6/(fan_in + fan_out))`, `b = 0` (Glorot & Bengio 2010, uniform form).
    case glorot
    /// `W = 𝒲(θ, scale)/√fan_in` with 𝒲 the symmetric Weibull law, `b = 0`: the weight law of the
    /// Weibull-paired activations (Wolinski & Arbel), with `E[W²]·fan_in = scale²·Γ(1 + 2/θ)`.
    case weibull(theta: Double, scale: Double)
    /// The convention of the Weibull-paired activations (methods.md section 1.3): the first layer
    /// `W ~ N(0, 1/fan_in)`, so that inputs with ‖x‖²/n₀ = 1 give N(0, 1) pre-activations; every later layer
    /// `W = 𝒲(θ, 1)/√fan_in`, i.e. `z = W·φ(z)/√n` with W symmetric Weibull. No bias (b = 0).
    case weibullPaired(theta: Double)

    /// The names accepted in configs.
    public static let names = ["gaussian", "he", "glorot", "weibull", "weibull-paired"]

    /// Fills the weight and bias of one dense layer (`fan_in = inputs`, `fan_out = outputs`).
    public func draw<Scalar: BLASScalar>(
        inputs: Int, outputs: Int, hasBias: Bool, seed: UInt64, layer: Int
    ) -> (weight: [Scalar], bias: [Scalar]) {
        draw(
            fanIn: inputs, fanOut: outputs, weightCount: inputs * outputs, biasCount: hasBias ? outputs : 0,
            seed: seed, layer: layer)
    }

    /// Fills the weight (`weightCount` values, in storage order) and bias (`biasCount`) of any layer whose
    /// weights see `fanIn` inputs each: `inputs` for a dense layer, `kh·kw·C_in` for a convolution, `kh·kw`
    /// for a depthwise one. `fanOut` only matters to Glorot (`kh·kw·C_out` for a convolution, as Keras).
    public func draw<Scalar: BLASScalar>(
        fanIn inputs: Int, fanOut outputs: Int, weightCount: Int, biasCount: Int, seed: UInt64, layer: Int
    ) -> (weight: [Scalar], bias: [Scalar]) {
        var stream = RandomStream(seed: seed, key: .initialization.with(index: layer))
        let fanIn = Double(inputs)
        let weight: [Scalar]
        var bias = [Scalar](repeating: 0, count: biasCount)
        switch self {
        case .gaussian(let sigmaW, let sigmaB):
            let std = sigmaW / fanIn.squareRoot()
            weight = stream.draw(weightCount) { std * $0.normal() }
            if biasCount > 0 && sigmaB != 0 { bias = stream.draw(biasCount) { sigmaB * $0.normal() } }
        case .he:
            let std = (2 / fanIn).squareRoot()
            weight = stream.draw(weightCount) { std * $0.normal() }
        case .glorot:
            let limit = (6 / (fanIn + Double(outputs))).squareRoot()
            weight = stream.draw(weightCount) { $0.uniform(-limit, limit) }
        case .weibull(let theta, let scale):
            let factor = 1 / fanIn.squareRoot()
            weight = stream.draw(weightCount) { factor * $0.symmetricWeibull(shape: theta, scale: scale) }
        case .weibullPaired(let theta):
            let factor = 1 / fanIn.squareRoot()
            weight =
                layer == 0
                ? stream.draw(weightCount) { factor * $0.normal() }
                : stream.draw(weightCount) { factor * $0.symmetricWeibull(shape: theta, scale: 1) }
        }
        return (weight, bias)
    }

    /// The variance of one weight of layer `layer` under this initialization: what the variational prior
    /// heuristic uses as each layer's prior variance (methods.md §5.3).
    public func variance(inputs: Int, outputs: Int, layer: Int) -> Double {
        let fanIn = Double(inputs)
        switch self {
        case .gaussian(let sigmaW, _): return sigmaW * sigmaW / fanIn
        case .he: return 2 / fanIn
        case .glorot: return 2 / (fanIn + Double(outputs))
        case .weibull(let theta, let scale): return scale * scale * Double.gamma(1 + 2 / theta) / fanIn
        case .weibullPaired(let theta): return layer == 0 ? 1 / fanIn : Double.gamma(1 + 2 / theta) / fanIn
        }
    }
}
