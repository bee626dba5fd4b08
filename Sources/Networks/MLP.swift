public import Tensors

// Dimension legend for this module:
//   batch    samples in a mini-batch (rows of every activation matrix)
//   inputs   features entering a layer; outputs: units leaving it
//   L        number of dense layers; layer l maps sizes[l] → sizes[l + 1]

/// The shape of a multilayer perceptron: dense layers with one hidden activation and a linear output.
///
/// The output layer has no activation; the loss supplies the link (softmax for cross-entropy). A network
/// used as the *body* of a larger model (Alrao's, whose output layers are separate copies) applies the
/// activation after its last layer too (`activatesLastLayer`).
public struct MLPArchitecture: Hashable, Sendable {
    /// `[inputs, hidden₁, …, hidden_k, outputs]`.
    public var sizes: [Int]
    public var activation: Activation
    public var bias: Bool
    /// Whether the activation also follows the last layer (false for a complete network).
    public var activatesLastLayer: Bool

    public init(sizes: [Int], activation: Activation, bias: Bool = true, activatesLastLayer: Bool = false) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "MLPArchitecture: bad sizes \(sizes)")
        self.sizes = sizes
        self.activation = activation
        self.bias = bias
        self.activatesLastLayer = activatesLastLayer
    }

    public var layerCount: Int { sizes.count - 1 }
    public var inputs: Int { sizes[0] }
    public var outputs: Int { sizes[sizes.count - 1] }

    /// The activation after layer `l`: the hidden activation, or identity for the output layer.
    public func activation(after layer: Int) -> Activation {
        layer == layerCount - 1 && !activatesLastLayer ? .identity : activation
    }

    /// How many layers store an activation `A_l = φ(Z_l)` in the forward pass.
    var activatedLayerCount: Int { activatesLastLayer ? layerCount : layerCount - 1 }

    /// `layers.l.weight (outputs, inputs)` then `layers.l.bias (outputs)`, layer by layer.
    public var layout: ParameterLayout {
        var tensors = [(name: String, layer: Int, role: ParameterView.Role, shape: [Int])]()
        for l in 0..<layerCount {
            tensors.append(("layers.\(l).weight", l, .weight, [sizes[l + 1], sizes[l]]))
            if bias { tensors.append(("layers.\(l).bias", l, .bias, [sizes[l + 1]])) }
        }
        return ParameterLayout(tensors)
    }
}

/// A multilayer perceptron whose parameters live in one flat `ParameterBuffer`.
///
/// Layer l computes `Z_l = A_{l−1}·W_lᵀ + 1·b_lᵀ` and `A_l = φ(Z_l)` with `A_{−1} = X (batch, inputs)` and
/// `W_l (outputs, inputs)`; the last layer is linear. Both passes are batched GEMMs through OpenBLAS.
public struct MLP<Scalar: BLASScalar>: Sendable {
    public let architecture: MLPArchitecture
    public var parameters: ParameterBuffer<Scalar>

    /// A freshly initialized network; see `Initialization` for which stream each layer draws from.
    public init(_ architecture: MLPArchitecture, initialization: Initialization, seed: UInt64) {
        self.architecture = architecture
        var parameters = ParameterBuffer<Scalar>(layout: architecture.layout)
        for l in 0..<architecture.layerCount {
            let (weightView, biasView) = parameters.layout.views(ofLayer: l)
            let (weight, bias): ([Scalar], [Scalar]) = initialization.draw(
                inputs: architecture.sizes[l], outputs: architecture.sizes[l + 1], hasBias: architecture.bias,
                seed: seed, layer: l)
            parameters[weightView] = weight
            if let biasView { parameters[biasView] = bias }
        }
        self.parameters = parameters
    }

    /// A network over given parameters, which must have the architecture's layout.
    public init(_ architecture: MLPArchitecture, parameters: ParameterBuffer<Scalar>) {
        precondition(
            parameters.layout == architecture.layout, "MLP: parameters do not have the architecture's layout")
        self.architecture = architecture
        self.parameters = parameters
    }

    public var layout: ParameterLayout { parameters.layout }
}
