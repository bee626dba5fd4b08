import Foundation

/// The file formats `partita export --format` writes.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// `model.h`, `model.c` and `model_input.h` (C99, integer only).
    case c
    /// `model.tflite` (TFLite flatbuffer, schema version 3, builtin operators).
    case tflite

    /// `c,tflite` into formats; one clear error for an unknown or empty list.
    public static func parse(_ list: String) throws(ExportError) -> [ExportFormat] {
        var formats = [ExportFormat]()
        for name in list.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let format = ExportFormat(rawValue: trimmed) else {
                throw .invalidRequest(
                    what: "--format \(list)", problem: "unknown format '\(trimmed)'; use c, tflite or c,tflite")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats
    }
}

/// Every file of an export but export.json, as bytes, so that they are computed before anything is
/// written: `model.h`, `model.c`, `model_input.h` (C), `model.tflite`, and `test_vectors/inputs.bin` and
/// `expected.bin`.
public struct ExportBundle: Sendable {
    /// `(relative path, bytes)` in the order they are written.
    public let files: [(path: String, bytes: [UInt8])]

    public init(
        emitter: CEmitter, formats: [ExportFormat], normalization: InputNormalization, testVectors: TestVectors?,
        description: String
    ) {
        var files = [(path: String, bytes: [UInt8])]()
        if formats.contains(.c) {
            files.append(("model.h", Array(emitter.header.utf8)))
            files.append(("model.c", Array(emitter.source.utf8)))
            files.append(("model_input.h", Array(emitter.inputHeader(normalization: normalization).utf8)))
        }
        if formats.contains(.tflite) {
            files.append(("model.tflite", TFLiteModel(emitter.model, description: description).serialized()))
        }
        if let testVectors {
            files.append(("test_vectors/inputs.bin", testVectors.inputBytes))
            files.append(("test_vectors/expected.bin", testVectors.expectedBytes))
        }
        self.files = files
    }

    /// The relative paths, for export.json.
    public var paths: [String] { files.map(\.path) }

    /// Writes every file under `directory` (which exists), creating `test_vectors/` as needed.
    public func write(into directory: String) throws {
        let manager = FileManager.default
        for file in files {
            let path = directory + "/" + file.path
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !manager.fileExists(atPath: parent) {
                try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))
        }
    }
}
