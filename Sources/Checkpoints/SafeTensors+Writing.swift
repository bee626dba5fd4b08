extension SafeTensors {
    /// The file's bytes: header length, header JSON, data section.
    ///
    /// The header is compact JSON written here rather than by a JSON encoder, so that its bytes are fixed:
    /// `__metadata__` first (omitted when empty) with its keys sorted by their UTF-8 bytes, then the tensors
    /// in data-section order, each as `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}` (the layout
    /// Python's `safetensors` writes). The same tensors and metadata therefore always give byte-identical files.
    /// The header is padded with spaces to a multiple of 8 bytes, so the data section starts 8-byte aligned
    /// (the format allows trailing whitespace in the header).
    public func serialized() -> [UInt8] {
        var header = Array("{".utf8)
        var first = true
        func separate() {
            if !first { header.append(UInt8(ascii: ",")) }
            first = false
        }
        if !metadata.isEmpty {
            separate()
            Self.appendJSONString(Self.metadataKey, to: &header)
            header.append(contentsOf: ":{".utf8)
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, key) in keys.enumerated() {
                if i > 0 { header.append(UInt8(ascii: ",")) }
                Self.appendJSONString(key, to: &header)
                header.append(UInt8(ascii: ":"))
                Self.appendJSONString(metadata[key]!, to: &header)
            }
            header.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for tensor in tensors {
            separate()
            Self.appendJSONString(tensor.name, to: &header)
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            let end = offset + tensor.bytes.count
            let dtype = tensor.dtype.rawValue
            let entry = ":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"
            header.append(contentsOf: entry.utf8)
            offset = end
        }
        header.append(UInt8(ascii: "}"))
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var file = [UInt8]()
        file.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        for tensor in tensors { file.append(contentsOf: tensor.bytes) }
        return file
    }

    /// Writes `serialized()` to `path` through `AtomicFile`: the file at `path` is either the old one or this
    /// one, never a mix.
    ///
    /// - Throws: `CheckpointError.fileSystem` naming `path`.
    public func write(to path: String) throws(CheckpointError) {
        try AtomicFile.write(serialized(), to: path)
    }

    /// Appends `string` as a JSON string literal (RFC 8259): quotes, backslashes and control characters are
    /// escaped; everything else is written as UTF-8.
    static func appendJSONString(_ string: String, to json: inout [UInt8]) {
        json.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": json.append(contentsOf: "\\\"".utf8)
            case "\\": json.append(contentsOf: "\\\\".utf8)
            case "\n": json.append(contentsOf: "\\n".utf8)
            case "\r": json.append(contentsOf: "\\r".utf8)
            case "\t": json.append(contentsOf: "\\t".utf8)
            case "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                json.append(contentsOf: "\\u\(String(repeating: "0", count: 4 - hex.count))\(hex)".utf8)
            default: json.append(contentsOf: String(scalar).utf8)
            }
        }
        json.append(UInt8(ascii: "\""))
    }
}
