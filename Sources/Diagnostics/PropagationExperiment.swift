public import Networks
import RealModule
import Tensors

/// The Monte-Carlo experiment of the Gaussianity paper (methods.md sections 1.3 and 1.5): the output
/// pre-activation of a small network whose weights are drawn afresh for every sample, on the constant input
/// x = 1, compared with N(0, 1).
///
/// With hidden widths `[n₀, n₁, …]` and output width 1 (legend: n_l = widths[l]):
/// - first layer  z¹ = σ_w·G + σ_b·B, G, B ~ N(0, 1)^{n₀} (the Gaussian first layer on x = 1);
/// - later layers z^{l+1} = σ_w·W·φ(z^l)/√n_l + σ_b·B, W of shape (n_{l+1}, n_l) with i.i.d. entries of the
///   weight law: 𝒲(θ, 1) for the Weibull pairs (σ_w = 1, σ_b = 0), N(0, 1) for the Gaussian baselines.
///
/// Sample s draws from the counter-based stream `(seed, StreamKey.propagationExperiment, widths)` starting at
/// word s·`wordsPerSample`, so every sample is the same whichever process computes it and in whatever
/// order: a range of samples split across processes and concatenated equals the whole range computed by one.
/// Networks with the same widths share the random words (common random numbers).
public struct PropagationExperiment: Sendable {
    /// A weight law with an activation.
    public enum Network: Hashable, Sendable, CustomStringConvertible {
        /// A Weibull pair: 𝒲(θ, 1) weights after a Gaussian first layer, no bias.
        case weibull(WeibullPair)
        /// Gaussian weights N(0, σ_w²/n) and biases N(0, σ_b²) in every layer.
        case gaussian(Activation, sigmaW: Double, sigmaB: Double)

        /// ReLU at σ_w = √2, σ_b = 0 (the paper's baseline; its output variance is 2, not 1).
        public static let relu = Network.gaussian(
            .relu, sigmaW: MeanField.reluEdgeOfChaos.sigmaW, sigmaB: MeanField.reluEdgeOfChaos.sigmaB)
        /// tanh at the paper's edge-of-chaos point σ_w = 1.2083045973594573, σ_b = 0.11401754250991379
        /// (`MeanField.tanhEdgeOfChaos`).
        public static let tanh = Network.gaussian(
            .tanh, sigmaW: MeanField.tanhEdgeOfChaos.sigmaW, sigmaB: MeanField.tanhEdgeOfChaos.sigmaB)

        public var activation: Activation {
            switch self {
            case .weibull(let pair): .weibull(pair)
            case .gaussian(let activation, _, _): activation
            }
        }

        /// `odd θ=3`, `positive θ=2.05`, `relu`, `tanh σ_w=1.2083 σ_b=0.114` (the parameters only when they are
        /// not the baseline's).
        public var description: String {
            switch self {
            case .weibull(let pair): return "\(pair.family.rawValue) θ=\(WeibullPair.format(pair.theta))"
            case .gaussian(let activation, let sigmaW, let sigmaB):
                if self == .relu || self == .tanh { return activation.name }
                return "\(activation.name) σ_w=\(sigmaW) σ_b=\(sigmaB)"
            }
        }
    }

    public let network: Network
    /// The hidden widths, input side first (the output has width 1).
    public let widths: [Int]
    public let seed: UInt64

    public init(network: Network, widths: [Int], seed: UInt64) {
        precondition(!widths.isEmpty && widths.allSatisfy { $0 > 0 }, "PropagationExperiment: bad widths \(widths)")
        self.network = network
        self.widths = widths
        self.seed = seed
    }

    /// `[1] + widths + [1]`: the layer sizes with the constant input and the scalar output.
    var sizes: [Int] { [1] + widths + [1] }

    /// Words reserved per sample: 4 (the most any draw takes) per weight and bias.
    public var wordsPerSample: UInt64 {
        let sizes = self.sizes
        var draws = 0
        for l in 0..<(sizes.count - 1) { draws += sizes[l] * sizes[l + 1] + sizes[l + 1] }
        return UInt64(4 * draws)
    }

    /// The stream index of these widths (a fold of the widths; collisions would only share random words).
    var streamIndex: Int {
        Int(widths.reduce(UInt32(17)) { $0 &* 65_599 &+ UInt32(truncatingIfNeeded: $1) })
    }

    /// The output pre-activation of samples `range`, in order.
    public func outputs(_ range: Range<Int>) -> [Double] {
        let sizes = self.sizes
        let activation = network.activation
        var result = [Double]()
        result.reserveCapacity(range.count)
        var z = [Double](repeating: 0, count: sizes.max()!)
        var a = z
        let key = StreamKey.propagationExperiment.with(index: streamIndex)
        let words = wordsPerSample
        for sample in range {
            var stream = RandomStream(seed: seed, key: key, position: UInt64(sample) * words)
            switch network {
            case .weibull(let pair):
                for j in 0..<sizes[1] { z[j] = stream.normal() }
                for l in 1..<(sizes.count - 1) {
                    let (inputs, outputs) = (sizes[l], sizes[l + 1])
                    for j in 0..<inputs { a[j] = pair.value(z[j]) }
                    let scale = 1 / Double(inputs).squareRoot()
                    for i in 0..<outputs {
                        var sum = 0.0
                        for j in 0..<inputs { sum += stream.symmetricWeibull(shape: pair.theta) * a[j] }
                        z[i] = scale * sum
                    }
                }
            case .gaussian(_, let sigmaW, let sigmaB):
                for j in 0..<sizes[1] { z[j] = sigmaW * stream.normal() + (sigmaB != 0 ? sigmaB * stream.normal() : 0) }
                for l in 1..<(sizes.count - 1) {
                    let (inputs, outputs) = (sizes[l], sizes[l + 1])
                    for j in 0..<inputs { a[j] = activation.value(z[j]) }
                    let scale = sigmaW / Double(inputs).squareRoot()
                    for i in 0..<outputs {
                        var sum = 0.0
                        for j in 0..<inputs { sum += stream.normal() * a[j] }
                        z[i] = scale * sum + (sigmaB != 0 ? sigmaB * stream.normal() : 0)
                    }
                }
            }
            result.append(z[0])
        }
        return result
    }

    /// The KS distance of `outputs` (any order) to N(0, 1).
    public static func ksDistance(_ outputs: [Double]) -> Double {
        KolmogorovSmirnov.statistic(sorted: outputs.sorted(), cdf: StandardNormal.cdf)
    }
}

/// The three panels of the paper's figure (methods.md section 1.5), each a list of hidden widths [n₀, n₁].
public enum PropagationPanel: String, CaseIterable, Sendable {
    /// n₀ = 1, n₁ = 1…max: one shared first-layer neuron, so the second layer's inputs are dependent.
    case a = "A"
    /// n₁ = 2, n₀ = 1…max.
    case b = "B"
    /// n₀ = n₁ = n = 1…max.
    case c = "C"

    /// The width that varies along the panel's x axis, and the widths of each point.
    public func widths(maxWidth: Int) -> [(x: Int, widths: [Int])] {
        (1...maxWidth).map { n in
            switch self {
            case .a: (n, [1, n])
            case .b: (n, [n, 2])
            case .c: (n, [n, n])
            }
        }
    }

    public var title: String {
        switch self {
        case .a: "A: n₀ = 1, n₁ varies"
        case .b: "B: n₁ = 2, n₀ varies"
        case .c: "C: n₀ = n₁ = n"
        }
    }

    public var xLabel: String {
        switch self {
        case .a: "n₁"
        case .b: "n₀"
        case .c: "n"
        }
    }
}
