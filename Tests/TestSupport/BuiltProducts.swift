public import Foundation

/// Finds and runs the executables `swift build` put next to the test bundle, for end-to-end tests that
/// launch the real binary (and `mpirun` around it).
public enum BuiltProducts {
    /// The build products directory (`.build/debug` or `.build/release`), where the test bundle lives.
    public static var directory: URL {
        Bundle.main.bundleURL
    }

    /// The path of the `partita` executable built with the tests. `swift test` builds every product
    /// before running tests; a missing binary is reported rather than silently skipped.
    public static var partita: String {
        let path = directory.appendingPathComponent("partita").path
        precondition(
            FileManager.default.isExecutableFile(atPath: path),
            "the partita executable is not at \(path); run `swift build` (swift test builds it too)")
        return path
    }

    /// The result of running a process to completion.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public let seconds: Double
    }

    /// Runs `executable` with `arguments` and waits, capturing both output streams. `environment` entries
    /// are added to the current environment. `standardInput` goes through a file, so any amount of it is fine
    /// (a pipe written before the process starts blocks at 64 KB).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        standardInput: String? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let standardInput {
            let path = temporaryDirectory("partita-stdin") + "/stdin"
            try standardInput.write(toFile: path, atomically: false, encoding: .utf8)
            process.standardInput = FileHandle(forReadingAtPath: path)
        }
        let start = Date()
        try process.run()
        // Read both pipes concurrently so a chatty process cannot fill one and block.
        nonisolated(unsafe) var errData = Data()
        let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errReader.isFinished { usleep(1000) }
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), seconds: Date().timeIntervalSince(start))
    }

    /// A process that exited non-zero, with the command line and what it wrote.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `executable` like `run` and returns its standard output; a non-zero exit throws a `Failure`
    /// naming the command, with its standard error and the start of its standard output.
    @discardableResult
    public static func output(
        _ executable: String, _ arguments: [String], directory: String? = nil, standardInput: String? = nil
    ) throws -> String {
        let result = try run(executable, arguments, directory: directory, standardInput: standardInput)
        guard result.status == 0 else {
            throw Failure(
                description: "\(executable) \(arguments.joined(separator: " ")) exited with \(result.status):\n"
                    + result.stderr + result.stdout.prefix(2000))
        }
        return result.stdout
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory(_ prefix: String = "partita-test") -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
