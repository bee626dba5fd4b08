import Foundation

extension AtomicFile {
    /// Fills a directory that appears at `target` whole or not at all (an export: `model.c`, `model.h`,
    /// `export.json`, ...): `body` writes into a temporary sibling directory (`.<name>.partial-<uuid>`), which
    /// is then renamed to `target`. An existing `target` (the caller allows replacing it) is moved aside first
    /// and removed only once the new directory is in place. If `body` or a rename throws, the temporary
    /// directory is removed and `target` is untouched.
    ///
    /// Returns the path written and what `body` returned.
    public static func writeDirectory<Result>(
        _ target: String, _ body: (String) throws -> Result
    ) throws -> (path: String, result: Result) {
        let manager = FileManager.default
        let url = URL(fileURLWithPath: target).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let temporary = parent + "/.\(name).partial-\(UUID().uuidString)"
        try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        do {
            let result = try body(temporary)
            if manager.fileExists(atPath: target) {
                let old = parent + "/.\(name).old-\(UUID().uuidString)"
                try manager.moveItem(atPath: target, toPath: old)
                try manager.moveItem(atPath: temporary, toPath: target)
                try? manager.removeItem(atPath: old)
            } else {
                try manager.moveItem(atPath: temporary, toPath: target)
            }
            return (target, result)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }
}
