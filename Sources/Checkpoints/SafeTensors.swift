/// An in-memory safetensors file: named tensors in a fixed order, plus string metadata.
///
/// Partita's checkpoints use the safetensors format (https://huggingface.co/docs/safetensors) so that Python
/// (`safetensors.numpy.load_file`) can read them and so that a checkpoint can be read without executing it.
/// The layout on disk:
///
/// ```
/// [8 bytes]  N, the header length, little-endian UInt64
/// [N bytes]  UTF-8 JSON: {"__metadata__": {string: string},
///                         "<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
///            padded with spaces so the data section starts at a multiple of 8 bytes
/// [rest]     the data section: each tensor's elements, little-endian, C (row-major) order, at
///            [begin, end) relative to the start of the data section, with no gaps and no overlaps
/// ```
///
/// Tensors keep the order they were added in, and the data section follows that order, so the same tensors
/// added in the same order give byte-identical files (runs must be reproducible down to the checkpoint). A
/// file read from disk lists its tensors in data-section order.
///
/// Building a file wrongly (a duplicate name, values that do not fill the shape) is a programming error and
/// a precondition failure; a wrong file on disk, or a file that lacks what the caller needs, is a thrown
/// `CheckpointError` naming the file.
public struct SafeTensors: Sendable {
    /// The element type of a tensor. The raw values are the safetensors dtype strings.
    ///
    /// Partita computes in `F32`/`F64`, stores masks and quantized weights as `U8`/`I8`, and counters as
    /// `I64`/`U64`; `F16` is carried as raw bytes only (there is no typed accessor, since Swift's `Float16`
    /// is not available on every platform). Other dtypes of the format (`BF16`, the `F8_*` kinds) are rejected
    /// when reading.
    public enum DType: String, Sendable, CaseIterable {
        /// IEEE 754 binary64, Swift `Double`, numpy `float64`.
        case f64 = "F64"
        /// IEEE 754 binary32, Swift `Float`, numpy `float32`.
        case f32 = "F32"
        /// IEEE 754 binary16, numpy `float16`; storage only.
        case f16 = "F16"
        /// Swift `Int64`, numpy `int64`.
        case i64 = "I64"
        /// Swift `Int32`, numpy `int32`.
        case i32 = "I32"
        /// Swift `Int16`, numpy `int16`.
        case i16 = "I16"
        /// Swift `Int8`, numpy `int8`.
        case i8 = "I8"
        /// Swift `UInt64`, numpy `uint64`.
        case u64 = "U64"
        /// Swift `UInt32`, numpy `uint32`.
        case u32 = "U32"
        /// Swift `UInt16`, numpy `uint16`.
        case u16 = "U16"
        /// Swift `UInt8`, numpy `uint8`.
        case u8 = "U8"
        /// One byte per element, 0 or 1; Swift `Bool`, numpy `bool`.
        case bool = "BOOL"

        /// Bytes per element.
        public var byteCount: Int {
            switch self {
            case .f64, .i64, .u64: 8
            case .f32, .i32, .u32: 4
            case .f16, .i16, .u16: 2
            case .i8, .u8, .bool: 1
            }
        }
    }

    /// One named tensor: its dtype, its shape and its raw little-endian bytes in C order.
    public struct Tensor: Sendable, Equatable {
        /// The tensor's key in the file, e.g. `"layers.0.weight"`.
        public let name: String
        /// The element type.
        public let dtype: DType
        /// The dimensions, outermost first (C order); `[]` is a scalar.
        public let shape: [Int]
        /// `elementCount × dtype.byteCount` bytes, little-endian, C order.
        public let bytes: [UInt8]

        /// A tensor from raw bytes. Use this for dtypes without a Swift element type (`F16`) or to copy a
        /// tensor unchanged; `SafeTensors.add(name:values:shape:)` is the typed way.
        ///
        /// - Precondition: no dimension is negative, and `bytes.count == shape.product × dtype.byteCount`.
        public init(name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
            precondition(name != SafeTensors.metadataKey, "SafeTensors: '\(name)' is reserved for the metadata")
            let byteCount = SafeTensors.byteCount(of: shape, dtype: dtype)
            precondition(
                byteCount == bytes.count,
                "SafeTensors: tensor '\(name)' of shape \(shape) and dtype \(dtype.rawValue) needs "
                    + "\(byteCount.map(String.init) ?? "too many") bytes, got \(bytes.count)")
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// The product of the dimensions (1 for a scalar).
        public var elementCount: Int { bytes.count / dtype.byteCount }
    }

    /// The header key that holds the metadata rather than a tensor.
    static let metadataKey = "__metadata__"

    /// Free-form string metadata stored in the header's `__metadata__` object (the format allows only
    /// strings). Training records the step, the seed and the config hash here.
    public var metadata: [String: String]

    /// The tensors, in data-section order.
    public private(set) var tensors: [Tensor] = []

    /// Index into `tensors` by name.
    private var indexByName: [String: Int] = [:]

    /// Where this file came from or is going: the path given to `read` or `parse`, or a placeholder for a file
    /// built in memory. It names the file in every `CheckpointError` this value throws.
    public var path: String

    /// An empty file with the given metadata. `path` only names the file in errors.
    public init(metadata: [String: String] = [:], path: String = "<in-memory safetensors>") {
        self.metadata = metadata
        self.path = path
    }

    /// The tensor names, in data-section order.
    public var names: [String] { tensors.map(\.name) }

    /// The tensor called `name`, or `nil`.
    public subscript(name: String) -> Tensor? {
        indexByName[name].map { tensors[$0] }
    }

    /// Appends `tensor` after the existing ones.
    ///
    /// - Precondition: no tensor of that name is present yet.
    public mutating func add(_ tensor: Tensor) {
        precondition(indexByName[tensor.name] == nil, "SafeTensors: tensor '\(tensor.name)' was already added")
        indexByName[tensor.name] = tensors.count
        tensors.append(tensor)
    }

    /// Appends a tensor of `values` in C order, with the dtype of `S`.
    ///
    /// - Precondition: `values.count` is the product of `shape`, and no tensor called `name` is present yet.
    public mutating func add<S: SafeTensorsElement>(name: String, values: [S], shape: [Int]) {
        let count = Self.elementCount(of: shape)
        precondition(
            count == values.count,
            "SafeTensors: tensor '\(name)' has shape \(shape) but \(values.count) values were given")
        add(Tensor(name: name, dtype: S.safeTensorsDType, shape: shape, bytes: S.littleEndianBytes(of: values)))
    }

    /// The tensor called `name`.
    ///
    /// - Throws: `CheckpointError.missingTensor`.
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard let tensor = self[name] else { throw .missingTensor(path: path, tensor: name) }
        return tensor
    }

    /// The shape of the tensor called `name`.
    ///
    /// - Throws: `CheckpointError.missingTensor`.
    public func shape(of name: String) throws(CheckpointError) -> [Int] {
        try tensor(named: name).shape
    }

    /// The elements of the tensor called `name`, in C order, read as `S`.
    ///
    /// - Throws: `CheckpointError.missingTensor`, or `.dtypeMismatch` naming the stored and the requested
    ///   dtype (no conversion is done: a checkpoint read as the wrong precision is a configuration error).
    public func values<S: SafeTensorsElement>(_ name: String, as type: S.Type) throws(CheckpointError) -> [S] {
        let tensor = try tensor(named: name)
        guard tensor.dtype == S.safeTensorsDType else {
            throw .dtypeMismatch(path: path, tensor: name, found: tensor.dtype, expected: S.safeTensorsDType)
        }
        return S.values(fromLittleEndian: tensor.bytes)
    }

    /// The elements of the tensor called `name`, read as `S`, checking that its shape is `shape`.
    ///
    /// This is how a model loads its parameters: a checkpoint from a model with other layer sizes fails here
    /// with a message giving both shapes.
    ///
    /// - Throws: as `values(_:as:)`, or `CheckpointError.shapeMismatch`.
    public func values<S: SafeTensorsElement>(
        _ name: String, as type: S.Type, shape: [Int]
    ) throws(CheckpointError) -> [S] {
        let found = try tensor(named: name).shape
        guard found == shape else { throw .shapeMismatch(path: path, tensor: name, found: found, expected: shape) }
        return try values(name, as: type)
    }

    /// The metadata value for `key`.
    ///
    /// - Throws: `CheckpointError.missingMetadata`.
    public func metadataValue(for key: String) throws(CheckpointError) -> String {
        guard let value = metadata[key] else { throw .missingMetadata(path: path, key: key) }
        return value
    }

    /// The product of `shape`'s dimensions, or `nil` if one is negative or the product overflows `Int`.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// `elementCount(of: shape) × dtype.byteCount`, or `nil` if a dimension is negative or the size overflows.
    static func byteCount(of shape: [Int], dtype: DType) -> Int? {
        guard let count = elementCount(of: shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        return overflow ? nil : bytes
    }
}
