import Foundation
import TestSupport
import Testing

/// The process runner every end-to-end and toolchain test goes through.
@Suite struct BuiltProductsTests {
    /// 1 MB through standard input and back on standard output and standard error, far past a pipe's 64 KB
    /// buffer: a runner that wrote the input before reading the outputs would block here. The runs happen on
    /// a thread so that a blocked runner fails the test after 60 s instead of hanging the suite.
    @Test func largeStandardInputAndOutputDoNotBlock() throws {
        let text = String(repeating: "partita 0123456789\n", count: 55_000)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var echoed: String? = nil
        nonisolated(unsafe) var failed: BuiltProducts.Output? = nil
        Thread {
            echoed = try? BuiltProducts.output("/bin/sh", ["-c", "tee /dev/stderr"], standardInput: text)
            failed = try? BuiltProducts.run("/bin/sh", ["-c", "cat >&2; exit 3"], standardInput: text)
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + 60) == .success else {
            Issue.record("the runner blocked on 1 MB of standard input")
            return
        }
        #expect(echoed == text)
        #expect(failed?.status == 3 && failed?.stderr == text && failed?.stdout.isEmpty == true)
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
