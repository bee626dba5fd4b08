import Foundation

/// The project's Python for test-only references (numpy, safetensors, TensorBoard's reader, TFLite Micro's
/// interpreter, LiteRT): the virtual environment `deploy/install-deps --test` creates at `.venv/` in the
/// repository, so nothing is installed into the system Python.
public enum ProjectPython {
    /// The repository root, found from this source file's path (`Tests/TestSupport/ProjectPython.swift`).
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// `.venv/bin/python` in the repository. A missing environment is reported rather than skipped: the
    /// message says how to create it.
    public static var executable: String {
        let path = repositoryRoot + "/.venv/bin/python"
        precondition(
            FileManager.default.isExecutableFile(atPath: path),
            "the project's Python environment is missing at \(path); run `deploy/install-deps --test`")
        return path
    }
}
