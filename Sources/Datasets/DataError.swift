/// Why a data file, a data set or a data-related setting could not be used.
///
/// Errors that come from the environment (a file that is missing, truncated or in a format Partita does not
/// read; a batch size that does not fit the world size) are thrown as `DataError`. Every case carries the
/// file path (or the data set or setting name) as the user wrote it and a `problem`; `description` is one
/// line, `"<path>: <problem>"`, that says what to do when there is something to do. Misuse by the caller (a
/// row index out of range, a matrix of the wrong shape) is a `precondition` instead.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist. The problem says where the data usually comes from.
    case missing(path: String, problem: String)
    /// The file exists but could not be opened, mapped or read (the C library's `strerror` text).
    case unreadable(path: String, problem: String)
    /// The file has zero bytes.
    case empty(path: String)
    /// The file is not in the format its reader expects: bad magic number, malformed header.
    case malformed(path: String, problem: String)
    /// The file ends before the data its header declares.
    case truncated(path: String, problem: String)
    /// A valid file in a variant Partita does not read: another dtype, big-endian, Fortran order.
    case unsupported(path: String, problem: String)
    /// A value inside the data is unusable: a non-numeric CSV cell, a class label out of range.
    case invalidValue(path: String, problem: String)
    /// Two parts of a data set disagree, e.g. 1000 feature rows but 999 labels.
    case mismatch(path: String, problem: String)
    /// The gzip stream is corrupt or truncated.
    case corruptCompression(path: String, problem: String)
    /// A data-related setting is out of range (a batch size, a validation fraction); `path` names the setting.
    case invalidSetting(name: String, problem: String)

    /// The file path, data set name or setting name the error is about.
    public var path: String {
        switch self {
        case .missing(let path, _), .unreadable(let path, _), .empty(let path), .malformed(let path, _),
            .truncated(let path, _), .unsupported(let path, _), .invalidValue(let path, _), .mismatch(let path, _),
            .corruptCompression(let path, _), .invalidSetting(let path, _):
            return path
        }
    }

    /// What is wrong, and what to do about it when there is something to do.
    public var problem: String {
        switch self {
        case .empty: return "empty file"
        case .missing(_, let problem), .unreadable(_, let problem), .malformed(_, let problem),
            .truncated(_, let problem), .unsupported(_, let problem), .invalidValue(_, let problem),
            .mismatch(_, let problem), .corruptCompression(_, let problem), .invalidSetting(_, let problem):
            return problem
        }
    }

    /// One line: `"<path>: <problem>"`.
    public var description: String { "\(path): \(problem)" }
}
