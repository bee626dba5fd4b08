/// A Swift type that can be stored in a safetensors tensor: it names its dtype and converts to and from a
/// fixed-width bit pattern.
///
/// Each conformance goes straight down to the bits (`Float.bitPattern`, `UInt64(bitPattern:)`), so values
/// round-trip exactly: `-0.0`, subnormals and every NaN payload included. The bytes in the file are the bit
/// pattern in little-endian order.
public protocol SafeTensorsElement: Sendable {
    /// The unsigned integer of the same width that carries the bits.
    associatedtype BitPattern: FixedWidthInteger & UnsignedInteger & Sendable

    /// The dtype this type is stored as. The corresponding safetensors string is its `rawValue`.
    static var safeTensorsDType: SafeTensors.DType { get }

    /// The value's bits.
    var safeTensorsBits: BitPattern { get }

    /// The value with these bits.
    init(safeTensorsBits: BitPattern)
}

extension SafeTensorsElement {
    /// The file bytes of `values`: each bit pattern, little-endian, one after the other.
    static func littleEndianBytes(of values: [Self]) -> [UInt8] {
        let width = MemoryLayout<BitPattern>.size
        return [UInt8](unsafeUninitializedCapacity: values.count * width) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for (i, value) in values.enumerated() {
                raw.storeBytes(of: value.safeTensorsBits.littleEndian, toByteOffset: i * width, as: BitPattern.self)
            }
            initialized = values.count * width
        }
    }

    /// The values stored in `bytes`, whose count must be a multiple of the element width.
    static func values(fromLittleEndian bytes: [UInt8]) -> [Self] {
        let width = MemoryLayout<BitPattern>.size
        precondition(bytes.count % width == 0, "SafeTensorsElement: \(bytes.count) bytes for width \(width)")
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / width).map { i in
                let bits = raw.loadUnaligned(fromByteOffset: i * width, as: BitPattern.self)
                return Self(safeTensorsBits: BitPattern(littleEndian: bits))
            }
        }
    }
}

extension Double: SafeTensorsElement {
    /// `F64`.
    public static var safeTensorsDType: SafeTensors.DType { .f64 }
    /// `bitPattern`.
    public var safeTensorsBits: UInt64 { bitPattern }
    /// `Double(bitPattern:)`.
    public init(safeTensorsBits: UInt64) { self.init(bitPattern: safeTensorsBits) }
}

extension Float: SafeTensorsElement {
    /// `F32`.
    public static var safeTensorsDType: SafeTensors.DType { .f32 }
    /// `bitPattern`.
    public var safeTensorsBits: UInt32 { bitPattern }
    /// `Float(bitPattern:)`.
    public init(safeTensorsBits: UInt32) { self.init(bitPattern: safeTensorsBits) }
}

extension Int64: SafeTensorsElement {
    /// `I64`.
    public static var safeTensorsDType: SafeTensors.DType { .i64 }
    /// The two's-complement bits.
    public var safeTensorsBits: UInt64 { UInt64(bitPattern: self) }
    /// `Int64(bitPattern:)`.
    public init(safeTensorsBits: UInt64) { self.init(bitPattern: safeTensorsBits) }
}

extension Int32: SafeTensorsElement {
    /// `I32`.
    public static var safeTensorsDType: SafeTensors.DType { .i32 }
    /// The two's-complement bits.
    public var safeTensorsBits: UInt32 { UInt32(bitPattern: self) }
    /// `Int32(bitPattern:)`.
    public init(safeTensorsBits: UInt32) { self.init(bitPattern: safeTensorsBits) }
}

extension Int16: SafeTensorsElement {
    /// `I16`.
    public static var safeTensorsDType: SafeTensors.DType { .i16 }
    /// The two's-complement bits.
    public var safeTensorsBits: UInt16 { UInt16(bitPattern: self) }
    /// `Int16(bitPattern:)`.
    public init(safeTensorsBits: UInt16) { self.init(bitPattern: safeTensorsBits) }
}

extension Int8: SafeTensorsElement {
    /// `I8`.
    public static var safeTensorsDType: SafeTensors.DType { .i8 }
    /// The two's-complement bits.
    public var safeTensorsBits: UInt8 { UInt8(bitPattern: self) }
    /// `Int8(bitPattern:)`.
    public init(safeTensorsBits: UInt8) { self.init(bitPattern: safeTensorsBits) }
}

extension UInt64: SafeTensorsElement {
    /// `U64`.
    public static var safeTensorsDType: SafeTensors.DType { .u64 }
    /// The value itself.
    public var safeTensorsBits: UInt64 { self }
    /// The value itself.
    public init(safeTensorsBits: UInt64) { self = safeTensorsBits }
}

extension UInt32: SafeTensorsElement {
    /// `U32`.
    public static var safeTensorsDType: SafeTensors.DType { .u32 }
    /// The value itself.
    public var safeTensorsBits: UInt32 { self }
    /// The value itself.
    public init(safeTensorsBits: UInt32) { self = safeTensorsBits }
}

extension UInt16: SafeTensorsElement {
    /// `U16`.
    public static var safeTensorsDType: SafeTensors.DType { .u16 }
    /// The value itself.
    public var safeTensorsBits: UInt16 { self }
    /// The value itself.
    public init(safeTensorsBits: UInt16) { self = safeTensorsBits }
}

extension UInt8: SafeTensorsElement {
    /// `U8`.
    public static var safeTensorsDType: SafeTensors.DType { .u8 }
    /// The value itself.
    public var safeTensorsBits: UInt8 { self }
    /// The value itself.
    public init(safeTensorsBits: UInt8) { self = safeTensorsBits }
}

extension Bool: SafeTensorsElement {
    /// `BOOL`: one byte per element.
    public static var safeTensorsDType: SafeTensors.DType { .bool }
    /// `1` for `true`, `0` for `false` (what numpy writes).
    public var safeTensorsBits: UInt8 { self ? 1 : 0 }
    /// `true` for any non-zero byte, as numpy's `astype(bool)` reads it.
    public init(safeTensorsBits: UInt8) { self = safeTensorsBits != 0 }
}
