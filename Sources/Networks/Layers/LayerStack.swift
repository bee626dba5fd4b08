public import Tensors

/// A network as a sequence of layers, from an input shape: the architecture, without parameters (as
/// `MLPArchitecture` is to `MLP`; `Sequential` holds a stack and its parameters).
///
/// Building a stack infers every layer's output shape and lays out the parameters; any shape that does not
/// fit is a thrown `LayerError` naming the layer, so a config is rejected before training. Layer `N`'s
/// tensors are `layers.N.weight` and `layers.N.bias` (N counts every layer, parameterless ones too), in
/// layer order in one flat `ParameterLayout`; `ParameterView.layer` is N.
///
/// Weight layouts (row-major): dense `(outputs, inputs)`; conv2d `(C_out, kh, kw, C_in)` (TFLite's OHWI);
/// conv1d `(C_out, 1, k, C_in)`; depthwise `(1, kh, kw, C)`. Biases `(outputs)` or `(C_out)`.
public struct LayerStack: Hashable, Sendable {
    public let inputShape: TensorShape
    public let layers: [Layer]
    /// The output shape of each layer.
    public let shapes: [TensorShape]
    public let layout: ParameterLayout
    /// What the passes run for each layer, sizes resolved.
    let steps: [Step]
    let weightViews: [ParameterView?]
    let biasViews: [ParameterView?]

    /// Infers the shapes and the parameter layout, or throws the first layer whose input does not fit.
    public init(input: TensorShape, layers: [Layer]) throws(LayerError) {
        guard !layers.isEmpty else { throw .empty }
        var shapes = [TensorShape]()
        var steps = [Step]()
        var tensors = [(name: String, layer: Int, role: ParameterView.Role, shape: [Int])]()
        var current = input
        for (index, layer) in layers.enumerated() {
            let resolved = try Self.resolve(layer, index: index, input: current)
            if let weight = resolved.weight { tensors.append(("layers.\(index).weight", index, .weight, weight)) }
            if let bias = resolved.bias { tensors.append(("layers.\(index).bias", index, .bias, bias)) }
            shapes.append(resolved.output)
            steps.append(resolved.step)
            current = resolved.output
        }
        self.inputShape = input
        self.layers = layers
        self.shapes = shapes
        self.steps = steps
        self.layout = ParameterLayout(tensors)
        let layout = self.layout
        self.weightViews = layers.indices.map { l in layout.views.first { $0.layer == l && $0.role == .weight } }
        self.biasViews = layers.indices.map { l in layout.views.first { $0.layer == l && $0.role == .bias } }
    }

    public var outputShape: TensorShape { shapes[shapes.count - 1] }
    /// The input shape of layer `l`.
    public func inputShape(ofLayer l: Int) -> TensorShape { l == 0 ? inputShape : shapes[l - 1] }
    public var parameterCount: Int { layout.count }

    /// The indices of the layers that have parameters, in order; a layer's position in this list is its
    /// initialization stream index (see `initialParameters`).
    public var parameterizedLayers: [Int] { layers.indices.filter { layers[$0].hasParameters } }

    /// A stack computing exactly what `MLP(architecture)` computes: `dense` then `activation` for every
    /// layer the MLP activates. MLP layer l is stack layer 2l, so `layers.l.*` there is `layers.(2l).*` here;
    /// the flat buffers are identical element for element (same order, same `(outputs, inputs)` layout).
    public static func mlp(_ architecture: MLPArchitecture) -> LayerStack {
        var layers = [Layer]()
        for l in 0..<architecture.layerCount {
            layers.append(.dense(Dense(architecture.sizes[l + 1], bias: architecture.bias)))
            if l < architecture.activatedLayerCount { layers.append(.activation(architecture.activation)) }
        }
        do {
            return try LayerStack(input: .vector(architecture.inputs), layers: layers)
        } catch {
            preconditionFailure("LayerStack.mlp: \(error)")  // dense layers on vectors always fit
        }
    }

    /// `(fan_in, fan_out)` of a layer with parameters: `(inputs, outputs)` for dense, `(kh·kw·C_in,
    /// kh·kw·C_out)` for a convolution, `(kh·kw, kh·kw)` for a depthwise one; nil for the others.
    public func fans(ofLayer l: Int) -> (fanIn: Int, fanOut: Int)? {
        let input = inputShape(ofLayer: l)
        switch layers[l] {
        case .dense(let d): return (input.count, d.outputs)
        case .conv2D, .conv1D:
            guard let c = layers[l].convolution else { return nil }
            let area = c.kernel.height * c.kernel.width
            return (area * input.spatial.channels, area * c.filters)
        case .depthwiseConv2D(let d):
            let area = d.kernel.height * d.kernel.width
            return (area, area)
        default: return nil
        }
    }

    /// Freshly drawn parameters. The k-th layer with parameters (k counts only those, so a stack of
    /// dense and activation layers draws exactly what the equivalent `MLP` draws) uses the stream
    /// `(seed, StreamKey.initialization.with(index: k))`, weights in storage order then the bias, with the
    /// fans of `fans(ofLayer:)`: the same seed gives the same parameters on every process.
    public func initialParameters<Scalar: BLASScalar>(
        _ initialization: Initialization, seed: UInt64, as type: Scalar.Type = Scalar.self
    ) -> ParameterBuffer<Scalar> {
        var parameters = ParameterBuffer<Scalar>(layout: layout)
        for (k, l) in parameterizedLayers.enumerated() {
            guard let weightView = weightViews[l], let (fanIn, fanOut) = fans(ofLayer: l) else { continue }
            let (weight, bias): ([Scalar], [Scalar]) = initialization.draw(
                fanIn: fanIn, fanOut: fanOut, weightCount: weightView.count, biasCount: biasViews[l]?.count ?? 0,
                seed: seed, layer: k)
            parameters[weightView] = weight
            if let biasView = biasViews[l] { parameters[biasView] = bias }
        }
        return parameters
    }
}

/// One row of a model summary (Keras' `model.summary()`): what the CLI prints.
public struct LayerSummary: Hashable, Sendable {
    public let index: Int
    /// `conv2d`, `dense`, `relu`, ...
    public let kind: String
    /// The kind with its settings: `conv2d 6 5×5/1×1 same`.
    public let settings: String
    public let outputShape: TensorShape
    public let parameters: Int
    /// Multiply-accumulates per sample of the forward pass: `in·out` for dense, `OH·OW·C_out·kh·kw·C_in`
    /// for a convolution (padding included, as Keras and TFLite count), `OH·OW·C·kh·kw` for a depthwise
    /// one, 0 for the layers without weights.
    public let macs: Int
}

extension LayerStack {
    /// One row per layer.
    public var summary: [LayerSummary] {
        layers.indices.map { l in
            let parameters = (weightViews[l]?.count ?? 0) + (biasViews[l]?.count ?? 0)
            // Every weight is used once per output position: in·out, OH·OW·C_out·kh·kw·C_in, OH·OW·kh·kw·C.
            let positions = shapes[l].isSpatial ? shapes[l].spatial.height * shapes[l].spatial.width : 1
            let macs = positions * (weightViews[l]?.count ?? 0)
            return LayerSummary(
                index: l, kind: layers[l].kind, settings: layers[l].settings, outputShape: shapes[l],
                parameters: parameters, macs: macs)
        }
    }

    /// Multiply-accumulates per sample of the whole forward pass.
    public var macs: Int { summary.reduce(0) { $0 + $1.macs } }
}
