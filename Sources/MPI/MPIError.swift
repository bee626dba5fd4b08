internal import CMPI

/// An error returned by an Open MPI call, with the text `MPI_Error_string` gives for its code.
///
/// Every MPI call in this module goes through `check(_:_:)`, the one funnel from C status codes to Swift
/// errors; the communicator sets `MPI_ERRORS_RETURN` so that errors come back here instead of aborting.
public struct MPIError: Error, CustomStringConvertible {
    /// The return code of the call.
    public let code: Int32
    /// The MPI error class of the code (`MPI_ERR_TRUNCATE`, ...).
    public let errorClass: Int32
    public let message: String
    /// The MPI function that failed.
    public let function: String

    public var description: String { "\(function) failed: \(message) (MPI error \(code), class \(errorClass))" }
}

/// Throws an `MPIError` unless `code` is `MPI_SUCCESS`.
@inline(__always)
func check(_ code: Int32, _ function: @autoclosure () -> String) throws(MPIError) {
    guard code != MPI_SUCCESS else { return }
    throw makeError(code, function())
}

func makeError(_ code: Int32, _ function: String) -> MPIError {
    var errorClass: Int32 = 0
    MPI_Error_class(code, &errorClass)
    var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
    var length: Int32 = 0
    MPI_Error_string(code, &buffer, &length)
    let message = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return MPIError(code: code, errorClass: errorClass, message: message, function: function)
}
