extension LayerStack {
    /// What the passes run for one layer, with every size resolved from the input shape.
    enum Step: Hashable, Sendable {
        case dense(inputs: Int, outputs: Int)
        /// A convolution with groups = 1 (conv2d or conv1d).
        case convolution(WindowGeometry, channels: Int, filters: Int)
        case depthwise(WindowGeometry, channels: Int)
        case maxPool(WindowGeometry, channels: Int)
        case averagePool(WindowGeometry, channels: Int)
        case globalAveragePool(positions: Int, channels: Int)
        case flatten
        case activation(Activation)
        case relu6
    }

    /// What one layer makes of its input: its output shape, its step, its parameter shapes.
    struct Resolved {
        var output: TensorShape
        var step: Step
        var weight: [Int]? = nil
        var bias: [Int]? = nil
    }

    /// Shape inference for layer `index`, with the checks of `LayerError`.
    static func resolve(_ layer: Layer, index: Int, input: TensorShape) throws(LayerError) -> Resolved {
        let settings = layer.settings
        func positive(_ values: [Int], _ what: String) throws(LayerError) {
            guard values.allSatisfy({ $0 > 0 }) else {
                throw .invalidSetting(layer: index, settings: settings, problem: "\(what) must be positive")
            }
        }
        func window(_ size: Size2D, _ stride: Size2D, _ padding: Padding, isPool: Bool) throws(LayerError)
            -> WindowGeometry
        {
            guard input.isSpatial else { throw .needsSpatialInput(layer: index, settings: settings, input: input) }
            if input.rank == 2 && size.height != 1 {
                throw .windowTallerThanSignal(layer: index, settings: settings, window: size, input: input)
            }
            let (h, w, _) = input.spatial
            // A signal has height 1: its stride along that axis is irrelevant, take 1.
            let strideHeight = input.rank == 2 ? 1 : stride.height
            guard
                let geometry = WindowGeometry(
                    input: (h, w), kernel: size.pair, stride: (strideHeight, stride.width), padding: padding)
            else {
                throw .windowLargerThanInput(
                    layer: index, settings: settings, window: size, input: input, isPool: isPool)
            }
            return geometry
        }

        func convolution(_ c: Conv2D) throws(LayerError) -> Resolved {
            try positive([c.filters], "the number of filters")
            try positive([c.kernel.height, c.kernel.width, c.stride.height, c.stride.width], "kernel and stride")
            let geometry = try window(c.kernel, c.stride, c.padding, isPool: false)
            let channels = input.spatial.channels
            return Resolved(
                output: input.withSpatial(
                    height: geometry.outputHeight, width: geometry.outputWidth, channels: c.filters),
                step: .convolution(geometry, channels: channels, filters: c.filters),
                weight: [c.filters, c.kernel.height, c.kernel.width, channels], bias: c.bias ? [c.filters] : nil)
        }

        switch layer {
        case .dense(let d):
            try positive([d.outputs], "the number of outputs")
            guard input.rank == 1 else { throw .needsFlatten(layer: index, settings: settings, input: input) }
            return Resolved(
                output: .vector(d.outputs), step: .dense(inputs: input.count, outputs: d.outputs),
                weight: [d.outputs, input.count], bias: d.bias ? [d.outputs] : nil)
        case .conv2D(let c):
            guard input.rank != 2 else { throw .needsImage(layer: index, settings: settings, input: input) }
            return try convolution(c)
        case .conv1D(let c):
            guard input.rank != 3 else { throw .needsSignal(layer: index, settings: settings, input: input) }
            return try convolution(c.conv2D)
        case .depthwiseConv2D(let d):
            try positive([d.kernel.height, d.kernel.width, d.stride.height, d.stride.width], "kernel and stride")
            let geometry = try window(d.kernel, d.stride, d.padding, isPool: false)
            let channels = input.spatial.channels
            return Resolved(
                output: input.withSpatial(
                    height: geometry.outputHeight, width: geometry.outputWidth, channels: channels),
                step: .depthwise(geometry, channels: channels), weight: [1, d.kernel.height, d.kernel.width, channels],
                bias: d.bias ? [channels] : nil)
        case .maxPool2D(let p), .averagePool2D(let p):
            try positive([p.size.height, p.size.width, p.stride.height, p.stride.width], "pool size and stride")
            let geometry = try window(p.size, p.stride, p.padding, isPool: true)
            let channels = input.spatial.channels
            var step = Step.maxPool(geometry, channels: channels)
            if case .averagePool2D = layer { step = .averagePool(geometry, channels: channels) }
            return Resolved(
                output: input.withSpatial(
                    height: geometry.outputHeight, width: geometry.outputWidth, channels: channels),
                step: step)
        case .globalAveragePool:
            guard input.isSpatial else { throw .needsSpatialInput(layer: index, settings: settings, input: input) }
            let (h, w, c) = input.spatial
            return Resolved(output: .vector(c), step: .globalAveragePool(positions: h * w, channels: c))
        case .flatten:
            return Resolved(output: .vector(input.count), step: .flatten)
        case .activation(let activation):
            return Resolved(output: input, step: .activation(activation))
        case .relu6:
            return Resolved(output: input, step: .relu6)
        }
    }
}
