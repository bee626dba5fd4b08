import Checkpoints
import Foundation
import Testing

/// `AtomicFile.writeDirectory`: a directory appears whole or not at all, and replaces an old one only once
/// the new one is complete.
@Suite struct AtomicDirectoryTests {
    struct Failure: Error {}

    @Test func createsThenReplacesLeavingNothingElse() throws {
        let scratch = try CheckpointScratchDirectory()
        defer { scratch.remove() }
        let target = scratch.file("export")
        let first = try AtomicFile.writeDirectory(target) { temporary in
            try "one".write(toFile: temporary + "/a.txt", atomically: false, encoding: .utf8)
            return 1
        }
        #expect(first.path == target && first.result == 1)
        _ = try AtomicFile.writeDirectory(target) { temporary in
            try "two".write(toFile: temporary + "/b.txt", atomically: false, encoding: .utf8)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["b.txt"])
        #expect(try scratch.contents() == ["export"])
    }

    @Test func aFailingBodyLeavesTheOldDirectoryAndNoPartialOne() throws {
        let scratch = try CheckpointScratchDirectory()
        defer { scratch.remove() }
        let target = scratch.file("export")
        _ = try AtomicFile.writeDirectory(target) { temporary in
            try "old".write(toFile: temporary + "/a.txt", atomically: false, encoding: .utf8)
        }
        #expect(throws: Failure.self) {
            _ = try AtomicFile.writeDirectory(target) { temporary in
                try "half".write(toFile: temporary + "/half.txt", atomically: false, encoding: .utf8)
                throw Failure()
            }
        }
        #expect(try String(contentsOfFile: target + "/a.txt", encoding: .utf8) == "old")
        #expect(try scratch.contents() == ["export"])
    }
}
