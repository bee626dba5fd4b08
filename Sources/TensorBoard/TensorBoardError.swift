/// Why an event file could not be written or read.
public enum TensorBoardError: Error, CustomStringConvertible {
    /// Creating or appending to a file failed (a full disk, a permission): the path and the system's reason.
    case cannotWrite(String, String)
    /// A record of a TFRecord file is cut short or fails its CRC.
    case corruptRecord(offset: Int, String)
    /// The protobuf encoder refused an event.
    case cannotEncode(String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let why): "\(path): cannot write the TensorBoard event file: \(why)"
        case .corruptRecord(let offset, let why): "TFRecord at byte \(offset): \(why)"
        case .cannotEncode(let why): "cannot encode a TensorBoard event: \(why)"
        }
    }
}
