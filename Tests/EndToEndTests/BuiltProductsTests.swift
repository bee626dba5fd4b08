import Foundation
import TestSupport
import Testing

/// The process runner every end-to-end and toolchain test goes through.
@Suite struct BuiltProductsTests {
    /// 1 MB through standard input and back on standard output and standard error, far past a pipe's 64 KB
    /// buffer: a runner that wrote the input before reading the outputs would block here.
    @Test(.timeLimit(.minutes(1))) func largeStandardInputAndOutputDoNotBlock() throws {
        let text = String(repeating: "partita 0123456789\n", count: 55_000)
        #expect(try BuiltProducts.output("/bin/sh", ["-c", "tee /dev/stderr"], standardInput: text) == text)
        let result = try BuiltProducts.run("/bin/sh", ["-c", "cat >&2; exit 3"], standardInput: text)
        #expect(result.status == 3 && result.stderr == text && result.stdout.isEmpty)
    }

    /// A non-zero exit is a failure that names the command and carries its standard error.
    @Test func failureNamesTheCommand() {
        #expect {
            try BuiltProducts.output("/bin/sh", ["-c", "echo broken >&2; exit 2"])
        } throws: { error in
            let description = "\(error)"
            return description.contains("exited with 2") && description.contains("broken")
        }
    }
}
