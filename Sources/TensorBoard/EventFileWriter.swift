import Foundation
import SwiftProtobuf

#if canImport(Glibc)
    import Glibc
#endif

/// Writes one TensorBoard event file, `events.out.tfevents.<unix time>.<host>` in a directory: TFRecord
/// records (see `TFRecord`), each an `Event` protobuf; the first holds `file_version: "brain.Event:2"`.
///
/// Each event is appended with `write(2)` on an `O_APPEND` descriptor as soon as it is given (no buffering in
/// the process), so a TensorBoard watching the directory sees it at its next reload. A failed write (a full
/// disk) throws `TensorBoardError.cannotWrite`; a record cut short by it fails its CRC and readers stop there.
/// A new writer never reuses an existing file: a second one in the same second gets a `.2`, `.3`, ... suffix.
public final class EventFileWriter {
    public let path: String
    private let descriptor: Int32

    /// Creates `directory` if needed and a new event file in it, and writes the file-version record.
    public convenience init(
        directory: String, wallTime: Double, hostName: String = EventFileWriter.hostName
    ) throws(TensorBoardError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(directory, "cannot create the directory: \(error.localizedDescription)")
        }
        let base = (directory as NSString).appendingPathComponent("events.out.tfevents.\(Int(wallTime)).\(hostName)")
        var candidate = base
        var suffix = 2
        while true {
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            if opened >= 0 {
                try self.init(descriptor: opened, path: candidate, wallTime: wallTime)
                return
            }
            guard errno == EEXIST else { throw .cannotWrite(candidate, String(cString: strerror(errno))) }
            candidate = base + ".\(suffix)"
            suffix += 1
        }
    }

    /// Appends to the file at `path` (created if missing), starting with the file-version record.
    public convenience init(file path: String, wallTime: Double) throws(TensorBoardError) {
        let opened = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard opened >= 0 else { throw .cannotWrite(path, String(cString: strerror(errno))) }
        try self.init(descriptor: opened, path: path, wallTime: wallTime)
    }

    /// Takes ownership of `descriptor` (closed in `deinit`, also when this throws).
    private init(descriptor: Int32, path: String, wallTime: Double) throws(TensorBoardError) {
        self.descriptor = descriptor
        self.path = path
        var event = Tensorboard_Event()
        event.wallTime = wallTime
        event.fileVersion = "brain.Event:2"
        try append(event)
    }

    deinit { close(descriptor) }

    /// This machine's host name (`gethostname`), "localhost" when it has none.
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0, buffer[0] != 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Appends one event holding `values` at `step`.
    public func write(_ values: [SummaryValue], step: Int, wallTime: Double) throws(TensorBoardError) {
        guard !values.isEmpty else { return }
        var summary = Tensorboard_Summary()
        summary.value = values.map(Self.encode)
        var event = Tensorboard_Event()
        event.wallTime = wallTime
        event.step = Int64(step)
        event.summary = summary
        try append(event)
    }

    /// Appends a session-start marker at `step`: TensorBoard then drops the points an earlier file logged after
    /// `step` (the steps an interrupted run logged past its last checkpoint, which a resumed run redoes).
    public func writeSessionStart(step: Int, wallTime: Double) throws(TensorBoardError) {
        var log = Tensorboard_SessionLog()
        log.status = .start
        var event = Tensorboard_Event()
        event.wallTime = wallTime
        event.step = Int64(step)
        event.sessionLog = log
        try append(event)
    }

    static func encode(_ value: SummaryValue) -> Tensorboard_Summary.Value {
        var encoded = Tensorboard_Summary.Value()
        encoded.tag = value.tag
        switch value {
        case .scalar(_, let number):
            encoded.simpleValue = Float(number)
        case .histogram(_, let histogram):
            var proto = Tensorboard_HistogramProto()
            let (limits, counts) = histogram.encodedBuckets
            proto.min = histogram.count > 0 ? histogram.minimum : 0
            proto.max = histogram.count > 0 ? histogram.maximum : 0
            proto.num = Double(histogram.count)
            proto.sum = histogram.sum
            proto.sumSquares = histogram.sumOfSquares
            proto.bucketLimit = limits
            proto.bucket = counts
            encoded.histo = proto
        case .text(_, let text):
            var metadata = Tensorboard_SummaryMetadata()
            metadata.pluginData.pluginName = "text"
            encoded.metadata = metadata
            var tensor = Tensorboard_TensorProto()
            tensor.dtype = .dtString
            tensor.tensorShape = Tensorboard_TensorShapeProto()
            tensor.stringVal = [Data(text.utf8)]
            encoded.tensor = tensor
        }
        return encoded
    }

    private func append(_ event: Tensorboard_Event) throws(TensorBoardError) {
        let data: [UInt8]
        do {
            data = try event.serializedBytes()
        } catch {
            throw .cannotEncode("\(error)")
        }
        let record = TFRecord.frame(data)
        var offset = 0
        while offset < record.count {
            let written = record[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path, String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
