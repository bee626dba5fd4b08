import Export
import Foundation
import TestSupport

/// The real compilers and emulator the export tests run: host gcc, arm-none-eabi-gcc with newlib, and
/// qemu-system-arm. A missing tool fails the test with what to install (CI installs them with
/// `deploy/install-deps --test`); nothing is skipped.
enum Toolchain {
    /// The repository root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The path of `name` on PATH, or a failure naming the Debian package to install.
    static func require(_ name: String, package: String) throws -> String {
        guard let path = ObjectSizes.executable(named: name) else {
            throw BuiltProducts.Failure(
                description: "\(name) is not installed: apt-get install \(package) (or deploy/install-deps --test)")
        }
        return path
    }

    /// Runs a tool; its standard output, or a failure with its standard error.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], standardInput: String? = nil, directory: String? = nil
    ) throws -> String {
        try BuiltProducts.output(executable, arguments, directory: directory, standardInput: standardInput)
    }

    /// Compiles C sources with the host gcc (C99, every warning an error) into an executable.
    static func hostExecutable(_ sources: [String], includes: [String] = [], defines: [String] = [], output: String)
        throws -> String
    {
        let gcc = try require("gcc", package: "gcc")
        try run(
            gcc,
            ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic"] + includes.map { "-I" + $0 }
                + defines.map { "-D" + $0 } + sources + ["-lm", "-o", output])
        return output
    }

    /// Writes int8 samples, one after the other, as the runner reads them.
    static func writeSamples(_ samples: [[Int8]], to path: String) throws {
        let bytes = samples.flatMap { $0.map { UInt8(bitPattern: $0) } }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The runner's output: one line of int8 values per sample.
    static func parseOutputs(_ text: String) -> [[Int8]] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            line.split(separator: " ").map { Int8($0)! }
        }
    }
}
