/// Decodes a section of a `ResolvedConfig` into a typed settings struct, once.
///
/// The settings structs (`RunSettings`, `DataSettings`, ..., and each method's own `Settings` in its folder
/// under `Methods/`) are `Decodable`; their `CodingKeys` are the config keys (`lr`, `gn_damping`, ...), so a
/// key is named once, in the struct that holds it, and nothing looks a key up by string at run time. Closed
/// choices decode into `String`-backed enums. The config was checked against the schema when it was loaded
/// (types, ranges, choices), so a failure here means a struct and the schema disagree: it is thrown as a
/// `ConfigError` naming the key rather than trapping.
///
/// ```swift
/// let alrao = try config.settings(AlraoMethodSettings.self, section: "optimizer")
/// ```
extension ResolvedConfig {
    /// The section `section` decoded as `T`; `T`'s coding keys are the section's key names.
    public func settings<T: Decodable>(_ type: T.Type, section: String) throws(ConfigError) -> T {
        do {
            return try T(from: SectionDecoder(config: self, section: section))
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(location: section, message: "cannot read the settings: \(error)")
        }
    }
}

/// A `Decoder` over one section of a `ResolvedConfig`: keyed containers only, one level deep.
struct SectionDecoder: Decoder {
    let config: ResolvedConfig
    let section: String
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(SectionContainer<Key>(config: config, section: section))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw ConfigError(location: section, message: "a settings section is a map of keys, not a list")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw ConfigError(location: section, message: "a settings section is a map of keys, not a value")
    }
}

/// The keys of one section. Values come from `ResolvedConfig.value(_:)`; a key the schema does not have, or a
/// value of another type, is a `ConfigError` naming `section.key`.
struct SectionContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let config: ResolvedConfig
    let section: String
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] {
        (config.schema.section(section)?.keys ?? []).compactMap { Key(stringValue: $0.name) }
    }

    func path(_ key: Key) -> String { section + "." + key.stringValue }

    func value(_ key: Key) throws(ConfigError) -> ConfigValue {
        guard let value = config.values[path(key)] else {
            throw ConfigError(
                location: path(key), message: "no such key in the schema (a settings struct is out of date)")
        }
        return value
    }

    func mismatch(_ key: Key, _ expected: String) -> ConfigError {
        ConfigError(
            location: path(key), message: "expected \(expected), found \((try? value(key))?.description ?? "?")")
    }

    func contains(_ key: Key) -> Bool { config.values[path(key)] != nil }

    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        guard case .boolean(let v) = try value(key) else { throw mismatch(key, "a boolean") }
        return v
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        guard case .string(let v) = try value(key) else { throw mismatch(key, "text") }
        return v
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        switch try value(key) {
        case .number(let v): return v
        case .integer(let v): return Double(v)
        default: throw mismatch(key, "a number")
        }
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        guard case .integer(let v) = try value(key) else { throw mismatch(key, "an integer") }
        return v
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if T.self == [Int].self {
            guard case .integerList(let v) = try value(key), let list = v as? T else {
                throw mismatch(key, "a list of integers")
            }
            return list
        }
        if T.self == [String].self {
            guard case .stringList(let v) = try value(key), let list = v as? T else {
                throw mismatch(key, "a list of strings")
            }
            return list
        }
        // String-backed enums (closed choices) and the other scalar types decode from one value.
        return try T(from: ValueDecoder(container: self, key: key))
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decode(Double.self, forKey: key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw unsupported(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw unsupported(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw unsupported(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { Int64(try decode(Int.self, forKey: key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw unsupported(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw unsupported(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw unsupported(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw unsupported(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { UInt64(try decode(Int.self, forKey: key)) }

    func unsupported(_ key: Key) -> ConfigError {
        ConfigError(
            location: path(key), message: "settings use Int, Double, Bool, String, [Int], [String] and enums only")
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        throw ConfigError(location: path(key), message: "settings are one level deep")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw ConfigError(location: path(key), message: "settings are one level deep")
    }

    func superDecoder() throws -> any Decoder { SectionDecoder(config: config, section: section) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(container: self, key: key) }
}

/// One key's value, for types that decode themselves from a single value (`RawRepresentable` enums).
struct ValueDecoder<Key: CodingKey>: Decoder, SingleValueDecodingContainer {
    let container: SectionContainer<Key>
    let key: Key
    var codingPath: [any CodingKey] { [key] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
        throw ConfigError(location: container.path(key), message: "settings are one level deep")
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw ConfigError(location: container.path(key), message: "expected one value, not a list")
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { !container.contains(key) }
    func decode(_ type: Bool.Type) throws -> Bool { try container.decode(type, forKey: key) }
    func decode(_ type: String.Type) throws -> String { try container.decode(type, forKey: key) }
    func decode(_ type: Double.Type) throws -> Double { try container.decode(type, forKey: key) }
    func decode(_ type: Int.Type) throws -> Int { try container.decode(type, forKey: key) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try container.decode(type, forKey: key) }
    func decode(_ type: Float.Type) throws -> Float { try container.decode(type, forKey: key) }
    func decode(_ type: Int8.Type) throws -> Int8 { try container.decode(type, forKey: key) }
    func decode(_ type: Int16.Type) throws -> Int16 { try container.decode(type, forKey: key) }
    func decode(_ type: Int32.Type) throws -> Int32 { try container.decode(type, forKey: key) }
    func decode(_ type: Int64.Type) throws -> Int64 { try container.decode(type, forKey: key) }
    func decode(_ type: UInt.Type) throws -> UInt { try container.decode(type, forKey: key) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try container.decode(type, forKey: key) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try container.decode(type, forKey: key) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try container.decode(type, forKey: key) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try container.decode(type, forKey: key) }
}
