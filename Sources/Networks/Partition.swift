/// A partition of the parameters into S subsets T₁…T_S, each a set of index ranges of the flat buffer.
///
/// The grouped Newton method computes one learning rate per subset; a partition per layer gives per-layer
/// learning rates. Every parameter belongs to exactly one subset.
public struct Partition: Hashable, Sendable {
    /// One subset: a name for logs and the ranges of the flat buffer it covers.
    public struct Subset: Hashable, Sendable {
        public let name: String
        public let ranges: [Range<Int>]

        public init(name: String, ranges: [Range<Int>]) {
            self.name = name
            self.ranges = ranges
        }

        public var count: Int { ranges.reduce(0) { $0 + $1.count } }
    }

    /// The ways to build a partition from a layout, as named in configs.
    public enum Kind: String, CaseIterable, Sendable {
        /// One subset per parameter tensor (each weight and each bias): the method's `canonical` partition.
        case tensor
        /// One subset per layer with parameters (its weight and bias together).
        case layer
        /// A single subset holding everything (S = 1).
        case trivial
        /// Two subsets: all weights, all biases.
        case weightsBiases = "weights-biases"
    }

    public let subsets: [Subset]

    public init(subsets: [Subset]) {
        self.subsets = subsets
    }

    public var count: Int { subsets.count }

    public init(_ kind: Kind, layout: ParameterLayout) {
        switch kind {
        case .tensor:
            subsets = layout.views.map { Subset(name: $0.name, ranges: [$0.range]) }
        case .layer:
            // Layers without parameters (activations, pools in a `LayerStack`) get no subset.
            subsets = (0..<layout.layerCount).compactMap { layer in
                let ranges = layout.views.filter { $0.layer == layer }.map(\.range)
                return ranges.isEmpty ? nil : Subset(name: "layers.\(layer)", ranges: ranges)
            }
        case .trivial:
            subsets = [Subset(name: "all", ranges: [0..<layout.count])]
        case .weightsBiases:
            let weights = layout.views.filter { $0.role == .weight }.map(\.range)
            let biases = layout.views.filter { $0.role == .bias }.map(\.range)
            subsets =
                [Subset(name: "weights", ranges: weights)]
                + (biases.isEmpty ? [] : [Subset(name: "biases", ranges: biases)])
        }
    }

    /// A partition from user groups of tensor names; tensors not named form a last subset `rest`.
    /// Fails, naming the problem, when a name is unknown or listed twice.
    public static func groups(_ groups: [[String]], layout: ParameterLayout) -> Result<Partition, PartitionError> {
        var seen = Set<String>()
        var subsets = [Subset]()
        for (index, group) in groups.enumerated() {
            var ranges = [Range<Int>]()
            for name in group {
                guard let view = layout.view(named: name) else {
                    return .failure(.unknownTensor(name, known: layout.views.map(\.name)))
                }
                guard seen.insert(name).inserted else { return .failure(.duplicateTensor(name)) }
                ranges.append(view.range)
            }
            subsets.append(Subset(name: "group\(index)", ranges: ranges))
        }
        let rest = layout.views.filter { !seen.contains($0.name) }.map(\.range)
        if !rest.isEmpty { subsets.append(Subset(name: "rest", ranges: rest)) }
        return .success(Partition(subsets: subsets))
    }

    /// For each parameter index, the subset it belongs to.
    public func subsetIndexPerParameter(count: Int) -> [Int] {
        var result = [Int](repeating: -1, count: count)
        for (s, subset) in subsets.enumerated() {
            for range in subset.ranges { for i in range { result[i] = s } }
        }
        return result
    }
}

/// Why a user-defined partition was rejected.
public enum PartitionError: Error, CustomStringConvertible, Equatable {
    case unknownTensor(String, known: [String])
    case duplicateTensor(String)

    public var description: String {
        switch self {
        case .unknownTensor(let name, let known):
            "unknown parameter tensor '\(name)' (the model has: \(known.joined(separator: ", ")))"
        case .duplicateTensor(let name): "parameter tensor '\(name)' is in two groups"
        }
    }
}
