/// A TensorFlow Lite model as the flatbuffer schema (`tensorflow/lite/schema/schema.fbs`, version 3)
/// describes it, reduced to what Partita writes: one subgraph, builtin operators only, constant tensors in
/// buffers, int8/int32 quantization per tensor or per axis. `serialized()` writes the `.tflite` bytes.
///
/// The field numbers (`slot`) and enum values below are the schema's; each is named where it is written.
public struct TFLiteModel: Sendable, Equatable {
    /// `TensorType`.
    public enum TensorType: UInt8, Sendable {
        case float32 = 0
        case int32 = 2
        case int8 = 9
    }

    /// `BuiltinOperator` (the subset written). The raw value is the schema's code.
    public enum Operator: Int32, Sendable {
        case add = 0
        case averagePool2D = 1
        case conv2D = 3
        case depthwiseConv2D = 4
        case fullyConnected = 9
        case maxPool2D = 17
        case reshape = 22
        case gather = 36
        case mean = 40
        case cast = 53
    }

    /// `Padding`.
    public enum Padding: Int8, Sendable {
        case same = 0
        case valid = 1
    }

    /// `ActivationFunctionType`: the clamp fused into an operator.
    public enum FusedActivation: Int8, Sendable {
        case none = 0
        case relu = 1
        case relu6 = 3
    }

    /// `QuantizationParameters`: `real = scale[c]·(q − zeroPoint[c])` along `quantizedDimension`.
    public struct Quantization: Sendable, Equatable {
        public var scales: [Float]
        public var zeroPoints: [Int64]
        public var quantizedDimension: Int32

        public init(scales: [Float], zeroPoints: [Int64], quantizedDimension: Int32 = 0) {
            precondition(
                scales.count == zeroPoints.count,
                "Quantization: \(scales.count) scales, \(zeroPoints.count) zero points")
            self.scales = scales
            self.zeroPoints = zeroPoints
            self.quantizedDimension = quantizedDimension
        }

        /// One scale and zero point for the whole tensor.
        public static func perTensor(_ parameters: QuantizationParameters) -> Quantization {
            Quantization(scales: [parameters.scale], zeroPoints: [Int64(parameters.zeroPoint)])
        }
    }

    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var shape: [Int32]
        public var type: TensorType
        /// The constant contents (little-endian), nil for an activation.
        public var data: [UInt8]?
        public var quantization: Quantization?

        public init(name: String, shape: [Int], type: TensorType, data: [UInt8]? = nil, quantization: Quantization?) {
            self.name = name
            self.shape = shape.map { Int32($0) }
            self.type = type
            self.data = data
            self.quantization = quantization
        }
    }

    /// An operator's `builtin_options` (the `BuiltinOptions` union).
    public enum Options: Sendable, Equatable {
        case none
        case fullyConnected(FusedActivation)
        case conv2D(padding: Padding, strideWidth: Int32, strideHeight: Int32, activation: FusedActivation)
        case depthwiseConv2D(
            padding: Padding, strideWidth: Int32, strideHeight: Int32, depthMultiplier: Int32,
            activation: FusedActivation)
        case pool2D(
            padding: Padding, strideWidth: Int32, strideHeight: Int32, filterWidth: Int32, filterHeight: Int32,
            activation: FusedActivation)
        case reshape(newShape: [Int32])
        case reducer(keepDimensions: Bool)
        case gather(axis: Int32)
    }

    public struct Node: Sendable, Equatable {
        public var op: Operator
        public var inputs: [Int32]
        public var outputs: [Int32]
        public var options: Options

        public init(_ op: Operator, inputs: [Int], outputs: [Int], options: Options = .none) {
            self.op = op
            self.inputs = inputs.map { Int32($0) }
            self.outputs = outputs.map { Int32($0) }
            self.options = options
        }
    }

    public var tensors: [Tensor] = []
    public var nodes: [Node] = []
    public var inputs: [Int32] = []
    public var outputs: [Int32] = []
    public var description: String

    public init(description: String) { self.description = description }

    /// Appends a tensor and returns its index.
    public mutating func add(_ tensor: Tensor) -> Int {
        tensors.append(tensor)
        return tensors.count - 1
    }

    /// The schema version this writer follows (`Model.version`); TFLite Micro refuses any other.
    public static let schemaVersion: UInt32 = 3
}

extension TFLiteModel {
    /// The `.tflite` bytes.
    ///
    /// `Model`: version (0), operator_codes (1), subgraphs (2), description (3), buffers (4). Buffer 0 is the
    /// empty buffer every activation tensor points to, by convention.
    public func serialized() -> [UInt8] {
        var builder = FlatBufferBuilder(capacity: 4096 + tensors.reduce(0) { $0 + ($1.data?.count ?? 0) })
        // Buffers: 0 empty, then one per constant tensor in tensor order.
        var bufferIndex = [Int](repeating: 0, count: tensors.count)
        var bufferTables = [FlatBufferBuilder.Offset]()
        builder.startTable()
        bufferTables.append(builder.endTable())
        for (t, tensor) in tensors.enumerated() {
            guard let data = tensor.data else { continue }
            let bytes = builder.vector(data, alignment: 16)  // Buffer.data is force_align: 16
            builder.startTable()
            builder.add(0, bytes)  // Buffer.data
            bufferIndex[t] = bufferTables.count
            bufferTables.append(builder.endTable())
        }
        let buffers = builder.vector(bufferTables)

        let tensorTables = tensors.enumerated().map { t, tensor in
            Self.write(tensor, buffer: bufferIndex[t], into: &builder)
        }
        var codes = [Operator]()
        for node in nodes where !codes.contains(node.op) { codes.append(node.op) }
        let nodeTables = nodes.map { node in
            Self.write(node, opcodeIndex: codes.firstIndex(of: node.op) ?? 0, into: &builder)
        }
        let tensorVector = builder.vector(tensorTables)
        let inputVector = builder.vector(inputs)
        let outputVector = builder.vector(outputs)
        let nodeVector = builder.vector(nodeTables)
        let name = builder.string("main")
        builder.startTable()
        builder.add(0, tensorVector)  // SubGraph.tensors
        builder.add(1, inputVector)  // SubGraph.inputs
        builder.add(2, outputVector)  // SubGraph.outputs
        builder.add(3, nodeVector)  // SubGraph.operators
        builder.add(4, name)  // SubGraph.name
        let subgraph = builder.endTable()
        let subgraphs = builder.vector([subgraph])

        let codeTables = codes.map { code in
            builder.startTable()
            builder.add(0, Int8(min(code.rawValue, 127)))  // OperatorCode.deprecated_builtin_code
            builder.add(2, Int32(1))  // OperatorCode.version
            builder.add(3, code.rawValue)  // OperatorCode.builtin_code
            return builder.endTable()
        }
        let codeVector = builder.vector(codeTables)
        let descriptionString = builder.string(description)
        builder.startTable()
        builder.add(0, Self.schemaVersion)  // Model.version
        builder.add(1, codeVector)  // Model.operator_codes
        builder.add(2, subgraphs)  // Model.subgraphs
        builder.add(3, descriptionString)  // Model.description
        builder.add(4, buffers)  // Model.buffers
        let model = builder.endTable()
        return builder.finish(root: model, fileIdentifier: "TFL3")
    }

    /// `Tensor`: shape (0), type (1), buffer (2), name (3), quantization (4).
    static func write(_ tensor: Tensor, buffer: Int, into builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset
    {
        let shape = builder.vector(tensor.shape)
        let name = builder.string(tensor.name)
        var quantization: FlatBufferBuilder.Offset?
        if let q = tensor.quantization {
            let scales = builder.vector(q.scales)
            let zeroPoints = builder.vector(q.zeroPoints)
            builder.startTable()
            builder.add(2, scales)  // QuantizationParameters.scale
            builder.add(3, zeroPoints)  // QuantizationParameters.zero_point
            builder.add(6, q.quantizedDimension)  // QuantizationParameters.quantized_dimension
            quantization = builder.endTable()
        }
        builder.startTable()
        builder.add(0, shape)
        builder.add(1, tensor.type.rawValue)
        builder.add(2, UInt32(buffer))
        builder.add(3, name)
        if let quantization { builder.add(4, quantization) }
        return builder.endTable()
    }

    /// `Operator`: opcode_index (0), inputs (1), outputs (2), builtin_options_type (3), builtin_options (4).
    static func write(_ node: Node, opcodeIndex: Int, into builder: inout FlatBufferBuilder) -> FlatBufferBuilder.Offset
    {
        let inputs = builder.vector(node.inputs)
        let outputs = builder.vector(node.outputs)
        let options = writeOptions(node.options, into: &builder)
        builder.startTable()
        builder.add(0, UInt32(opcodeIndex))
        builder.add(1, inputs)
        builder.add(2, outputs)
        if let options {
            builder.add(3, options.type)
            builder.add(4, options.table)
        }
        return builder.endTable()
    }

    /// The options table and its `BuiltinOptions` union tag.
    static func writeOptions(_ options: Options, into builder: inout FlatBufferBuilder)
        -> (type: UInt8, table: FlatBufferBuilder.Offset)?
    {
        switch options {
        case .none:
            return nil
        case .fullyConnected(let activation):
            builder.startTable()
            builder.add(0, activation.rawValue)  // FullyConnectedOptions.fused_activation_function
            return (8, builder.endTable())
        case .conv2D(let padding, let strideW, let strideH, let activation):
            builder.startTable()
            builder.add(0, padding.rawValue)  // Conv2DOptions.padding
            builder.add(1, strideW)  // stride_w
            builder.add(2, strideH)  // stride_h
            builder.add(3, activation.rawValue)  // fused_activation_function
            builder.add(4, Int32(1))  // dilation_w_factor
            builder.add(5, Int32(1))  // dilation_h_factor
            return (1, builder.endTable())
        case .depthwiseConv2D(let padding, let strideW, let strideH, let multiplier, let activation):
            builder.startTable()
            builder.add(0, padding.rawValue)  // DepthwiseConv2DOptions.padding
            builder.add(1, strideW)
            builder.add(2, strideH)
            builder.add(3, multiplier)  // depth_multiplier
            builder.add(4, activation.rawValue)
            builder.add(5, Int32(1))  // dilation_w_factor
            builder.add(6, Int32(1))  // dilation_h_factor
            return (2, builder.endTable())
        case .pool2D(let padding, let strideW, let strideH, let filterW, let filterH, let activation):
            builder.startTable()
            builder.add(0, padding.rawValue)  // Pool2DOptions.padding
            builder.add(1, strideW)
            builder.add(2, strideH)
            builder.add(3, filterW)  // filter_width
            builder.add(4, filterH)  // filter_height
            builder.add(5, activation.rawValue)
            return (5, builder.endTable())
        case .reshape(let newShape):
            let shape = builder.vector(newShape)
            builder.startTable()
            builder.add(0, shape)  // ReshapeOptions.new_shape
            return (17, builder.endTable())
        case .reducer(let keepDimensions):
            builder.startTable()
            builder.add(0, keepDimensions)  // ReducerOptions.keep_dims
            return (27, builder.endTable())
        case .gather(let axis):
            builder.startTable()
            builder.add(0, axis)  // GatherOptions.axis
            builder.add(1, Int32(0))  // batch_dims
            return (23, builder.endTable())
        }
    }
}
