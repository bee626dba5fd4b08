import Foundation
import TestSupport
import Testing

/// Temporary files and external reference tools (numpy, `/bin/gzip`) for the Datasets tests.
enum Fixtures {
    /// A fresh, empty directory under the system's temporary directory, removed when `body` returns.
    static func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("partita-datasets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    /// Writes `bytes` to `path`.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Writes `text` to `path` as UTF-8.
    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// The bytes of the file at `path`.
    static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Runs `executable` with `arguments`; returns its standard output and fails the test on a non-zero exit.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        try BuiltProducts.output(executable, arguments)
    }

    /// Runs a Python 3 script (numpy available) with `arguments` as `sys.argv[1:]`; returns its output.
    @discardableResult
    static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        try run(ProjectPython.executable, ["-c", script] + arguments)
    }

    /// `gzip -c source > destination` with the system's gzip.
    static func gzip(_ source: String, to destination: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n", source]
        _ = FileManager.default.createFile(atPath: destination, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        defer { try? handle.close() }
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("gzip \(source) failed") }
    }

    /// The description of the error `body` throws; fails the test if it does not throw.
    static func errorDescription(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation)
        -> String
    {
        do {
            try body()
        } catch {
            return String(describing: error)
        }
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return ""
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
