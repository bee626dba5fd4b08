/// What the emitted `model.c` occupies, counted from the arrays it declares (before any compiler runs).
///
/// Flash: `weights` (int8, `Σ_l outputs·inputs`), `biases` (int32, `4·Σ_l outputs`), `multipliers` (an int32
/// `M` and an int8 shift per channel: `5·Σ_l channels`), `lookupTables` (256 bytes per table). RAM: the
/// static `arena` (see `ArenaPlan`). Code is not counted here; `ObjectSizes` measures it from a compiled
/// object. These are exactly the sizes of the `.rodata.<prefix>_*` and `.bss.<prefix>_arena` sections of
/// `model.o` built with `-fdata-sections` (tested against `arm-none-eabi-size -A`).
public struct MemoryFootprint: Sendable, Equatable, Codable {
    public let weights: Int
    public let biases: Int
    public let multipliers: Int
    public let lookupTables: Int
    public let arena: Int
    /// Bytes of the caller's input and output buffers (not in `model.c`).
    public let input: Int
    public let output: Int

    public init(_ model: QuantizedMLP) {
        weights = model.layers.reduce(0) { $0 + $1.weights.values.count }
        biases = model.layers.reduce(0) { $0 + 4 * $1.outputs }
        multipliers = model.layers.reduce(0) { $0 + 5 * $1.multipliers.count }
        lookupTables = model.layers.reduce(0) { $0 + ($1.lookupTable == nil ? 0 : 256) }
        arena = ArenaPlan(sizes: model.sizes).size
        input = model.inputCount
        output = model.outputCount
    }

    /// Constant data: weights, biases, multipliers and tables.
    public var constants: Int { weights + biases + multipliers + lookupTables }
}
