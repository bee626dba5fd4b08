public import Tensors

/// One named tensor inside the flat parameter buffer: `values[offset ..< offset + count]`, row-major.
public struct ParameterView: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What a tensor is to its layer.
    public enum Role: String, Hashable, Sendable, Codable {
        case weight
        case bias
    }

    /// A stable name such as `layers.0.weight`, used in checkpoints and partitions.
    public let name: String
    public let layer: Int
    public let role: Role
    public let offset: Int
    /// `[outputs, inputs]` for a dense weight, `[outputs]` for a bias.
    public let shape: [Int]

    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<(offset + count) }
    public var description: String { "\(name) \(shape)" }
}

/// The layout of a model's parameters: every tensor as a view into one contiguous buffer.
///
/// Gradients, optimizer moments and masks use the same layout, so an all-reduce, a checkpoint or an
/// export touches one buffer and the views tell what each range means.
public struct ParameterLayout: Hashable, Sendable {
    public let views: [ParameterView]
    public let count: Int

    /// Appends views in order, each starting where the previous one ends.
    public init(_ tensors: [(name: String, layer: Int, role: ParameterView.Role, shape: [Int])]) {
        var offset = 0
        var views = [ParameterView]()
        for tensor in tensors {
            let view = ParameterView(
                name: tensor.name, layer: tensor.layer, role: tensor.role, offset: offset, shape: tensor.shape)
            views.append(view)
            offset += view.count
        }
        self.views = views
        self.count = offset
    }

    /// The view with this name, if any.
    public func view(named name: String) -> ParameterView? {
        views.first { $0.name == name }
    }

    /// The weight and optional bias of `layer`.
    public func views(ofLayer layer: Int) -> (weight: ParameterView, bias: ParameterView?) {
        let weight = views.first { $0.layer == layer && $0.role == .weight }
        precondition(weight != nil, "ParameterLayout: no weight for layer \(layer)")
        return (weight!, views.first { $0.layer == layer && $0.role == .bias })
    }

    /// The number of layers (the largest layer index plus one).
    public var layerCount: Int { (views.map(\.layer).max() ?? -1) + 1 }
}

/// A model's parameters (or their gradients, or an optimizer moment): one flat array with a layout.
public struct ParameterBuffer<Scalar: BLASScalar>: Sendable, Equatable {
    public let layout: ParameterLayout
    public var values: [Scalar]

    /// A buffer of zeros.
    public init(layout: ParameterLayout) {
        self.layout = layout
        self.values = [Scalar](repeating: 0, count: layout.count)
    }

    /// A buffer over existing values, which must match the layout's count.
    public init(layout: ParameterLayout, values: [Scalar]) {
        precondition(
            values.count == layout.count,
            "ParameterBuffer: \(values.count) values for a layout of \(layout.count)")
        self.layout = layout
        self.values = values
    }

    /// The values of one view, as a copy.
    public subscript(view: ParameterView) -> [Scalar] {
        get { Array(values[view.range]) }
        set {
            precondition(newValue.count == view.count, "ParameterBuffer: \(newValue.count) values for \(view)")
            values.replaceSubrange(view.range, with: newValue)
        }
    }

    /// The values of the view named `name`; a precondition failure if there is none.
    public subscript(name: String) -> [Scalar] {
        get {
            guard let view = layout.view(named: name) else { preconditionFailure("ParameterBuffer: no view \(name)") }
            return self[view]
        }
        set {
            guard let view = layout.view(named: name) else { preconditionFailure("ParameterBuffer: no view \(name)") }
            self[view] = newValue
        }
    }

    /// Sets every value to zero, keeping the storage.
    public mutating func zero() {
        values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
