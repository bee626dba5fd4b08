import Checkpoints
import Foundation
import Testing
import Training

/// A fresh directory under the system's temporary directory for one test; `remove()` deletes it and everything
/// in it.
struct CheckpointScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "partita-checkpoint-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    /// The names in the directory, sorted, hidden ones (temporary files) included.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct AtomicFileTests {
    @Test func writeCreatesThenReplacesAndLeavesNoTemporaryFile() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("ckpt.bin")

        try AtomicFile.write([1, 2, 3] as [UInt8], to: path)
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))

        let replacement = [UInt8](repeating: 0xab, count: 70_000)
        try AtomicFile.write(replacement, to: path)
        #expect(FileManager.default.contents(atPath: path) == Data(replacement))
        #expect(try directory.contents() == ["ckpt.bin"])
    }

    @Test func writeAcceptsDataStringsAndNonContiguousCollections() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }

        try AtomicFile.write(Data([9, 8, 7]), to: directory.file("data.bin"))
        #expect(FileManager.default.contents(atPath: directory.file("data.bin")) == Data([9, 8, 7]))

        // `repeatElement` has no contiguous storage, so this takes the copying path.
        try AtomicFile.write(repeatElement(UInt8(5), count: 4), to: directory.file("repeated.bin"))
        #expect(FileManager.default.contents(atPath: directory.file("repeated.bin")) == Data([5, 5, 5, 5]))

        try AtomicFile.write(string: "step: 100\nπ\n", to: directory.file("note.txt"))
        #expect(try String(contentsOfFile: directory.file("note.txt"), encoding: .utf8) == "step: 100\nπ\n")

        try AtomicFile.write([UInt8](), to: directory.file("empty.bin"))
        #expect(FileManager.default.contents(atPath: directory.file("empty.bin")) == Data())
        #expect(try directory.contents() == ["data.bin", "empty.bin", "note.txt", "repeated.bin"])
    }

    /// A bare file name goes to the current directory (and is synced there). Changing the current directory
    /// would disturb the tests running in parallel, so this runs in a child process.
    @Test func bareFileNameWritesToTheCurrentDirectory() async {
        await #expect(processExitsWith: .success) {
            do {
                let directory = try CheckpointScratchDirectory()
                defer { directory.remove() }
                precondition(FileManager.default.changeCurrentDirectoryPath(directory.path))
                try AtomicFile.write([42] as [UInt8], to: "relative.bin")
                precondition(FileManager.default.contents(atPath: directory.file("relative.bin")) == Data([42]))
                let contents = try directory.contents()
                precondition(contents == ["relative.bin"], "\(contents)")
            } catch {
                fatalError("\(error)")
            }
        }
    }

    @Test func missingDirectoryThrowsAndCreatesNothing() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("missing/ckpt.safetensors")

        #expect {
            try AtomicFile.write([1] as [UInt8], to: path)
        } throws: { error in
            let description = (error as? CheckpointError)?.description ?? ""
            return description.hasPrefix(path + ": cannot create a temporary file")
                && description.hasSuffix("No such file or directory")
        }
        #expect(try directory.contents() == [])
    }

    @Test func destinationThatIsADirectoryThrowsAndIsLeftAlone() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("occupied")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)

        #expect {
            try AtomicFile.write([1] as [UInt8], to: path)
        } throws: { error in
            (error as? CheckpointError)?.description.hasPrefix(path + ": cannot rename the temporary file") == true
        }
        #expect(try directory.contents() == ["occupied"])
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    /// Readers racing a writer see the old content or the new one, never a mix or an empty file.
    @Test func concurrentReadersNeverSeeAPartialFile() async throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        let path = directory.file("ckpt.bin")
        let a = Data(repeating: 0xaa, count: 1 << 20)
        let b = Data(repeating: 0xbb, count: 1 << 20)
        try AtomicFile.write(a, to: path)

        let torn = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for i in 0..<40 { try AtomicFile.write(i.isMultiple(of: 2) ? b : a, to: path) }
                return 0
            }
            group.addTask {
                var torn = 0
                for _ in 0..<200 {
                    let seen = FileManager.default.contents(atPath: path)
                    if seen != a && seen != b { torn += 1 }
                }
                return torn
            }
            return try await group.reduce(0, +)
        }
        #expect(torn == 0)
        #expect(try directory.contents() == ["ckpt.bin"])
    }

    @Test func updateSymlinkCreatesAndReplacesTheLink() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        try AtomicFile.write(string: "first", to: directory.file("step-000100.safetensors"))
        try AtomicFile.write(string: "second", to: directory.file("step-000200.safetensors"))
        let latest = directory.file("latest")

        try AtomicFile.updateSymlink(named: "latest", in: directory.path, pointingTo: "step-000100.safetensors")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: latest) == "step-000100.safetensors")
        #expect(try String(contentsOfFile: latest, encoding: .utf8) == "first")

        try AtomicFile.updateSymlink(named: "latest", in: directory.path + "/", pointingTo: "step-000200.safetensors")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: latest) == "step-000200.safetensors")
        #expect(try String(contentsOfFile: latest, encoding: .utf8) == "second")
        #expect(try directory.contents() == ["latest", "step-000100.safetensors", "step-000200.safetensors"])
    }

    @Test func updateSymlinkOverADirectoryThrowsAndLeavesNoTemporaryLink() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.file("latest"), withIntermediateDirectories: false)

        #expect(throws: CheckpointError.self) {
            try AtomicFile.updateSymlink(named: "latest", in: directory.path, pointingTo: "step-000100.safetensors")
        }
        #expect(try directory.contents() == ["latest"])
    }

    @Test func updateSymlinkInAMissingDirectoryThrows() throws {
        let directory = try CheckpointScratchDirectory()
        defer { directory.remove() }
        let missing = directory.file("checkpoints")
        #expect {
            try AtomicFile.updateSymlink(named: "latest", in: missing, pointingTo: "step-000100.safetensors")
        } throws: { error in
            (error as? CheckpointError)?.description.hasPrefix(missing + "/latest: cannot create a temporary link")
                == true
        }
        #expect(try directory.contents() == [])
    }
}
