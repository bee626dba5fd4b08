import Foundation
import TensorBoard
import TestSupport
import Testing

/// Event files written here, read back by TensorBoard's own `EventAccumulator`.
@Suite struct EventFileTests {
    /// Scalars (as TensorBoard's 32-bit floats), histograms (every field and bucket) and text come back as
    /// written, at their steps and wall times; the first record is the file version; a second writer in the
    /// same directory and second gets a file of its own.
    @Test func tensorBoardReadsWhatWasWritten() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-events")
        let writer = try EventFileWriter(directory: directory, wallTime: 1_700_000_000, hostName: "test-host")
        #expect((writer.path as NSString).lastPathComponent == "events.out.tfevents.1700000000.test-host")
        var random = SplitMix64(seed: 3)
        var scalars = [(step: Int, loss: Double, rate: Double)]()
        var histograms = [Int: Histogram]()
        for step in stride(from: 0, through: 50, by: 10) {
            let point = (step, random.uniform() * 3, 0.1 / Double(step + 1))
            scalars.append(point)
            let histogram = Histogram((0..<(100 + step)).map { _ in random.normal() })
            histograms[step] = histogram
            try writer.write(
                [
                    .scalar(tag: "train/loss", value: point.1), .scalar(tag: "train/lr", value: point.2),
                    .histogram(tag: "parameters/w", histogram),
                ],
                step: step, wallTime: 1_700_000_000 + Double(step))
        }
        let text = "```yaml\nrun:\n  name: ü-test\n```\n"
        try writer.write([.text(tag: "config", text)], step: 0, wallTime: 1_700_000_100)
        let second = try EventFileWriter(directory: directory, wallTime: 1_700_000_000, hostName: "test-host")
        #expect(second.path == writer.path + ".2")

        let log = try TensorBoardLog(directory: directory)
        let loss = try #require(log.scalars["train/loss"])
        let rate = try #require(log.scalars["train/lr"])
        #expect(loss.map(\.step) == scalars.map(\.step))
        #expect(loss.map(\.value) == scalars.map { Double(Float($0.loss)) })
        #expect(rate.map(\.value) == scalars.map { Double(Float($0.rate)) })
        #expect(loss.map(\.wallTime) == scalars.map { 1_700_000_000 + Double($0.step) })

        let read = try #require(log.histograms["parameters/w"])
        #expect(read.map(\.step) == scalars.map(\.step))
        for event in read {
            let written = try #require(histograms[event.step])
            let (limits, counts) = written.encodedBuckets
            #expect(event.count == Double(100 + event.step))
            #expect(event.bucketCounts.reduce(0, +) == Double(100 + event.step))
            #expect(event.minimum == written.minimum && event.maximum == written.maximum)
            #expect(event.sum == written.sum && event.sumOfSquares == written.sumOfSquares)
            #expect(event.bucketLimits == limits && event.bucketCounts == counts)
        }
        #expect(log.texts["config"]?.map(\.strings) == [[text]])
        #expect(log.textPluginTags == ["config"])
    }

    /// Every record of a written file is framed with valid CRCs and the first is the file-version event
    /// (protobuf field 3, a string: tag byte 0x1A, then "brain.Event:2").
    @Test func firstRecordIsTheFileVersion() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-events")
        let writer = try EventFileWriter(directory: directory, wallTime: 12, hostName: "h")
        try writer.write([.scalar(tag: "a", value: 1)], step: 1, wallTime: 13)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: writer.path)))
        let records = try TFRecord.records(in: bytes)
        #expect(records.count == 2)
        let version = Array("brain.Event:2".utf8)
        #expect(Array(records[0].suffix(version.count + 2)) == [0x1A, UInt8(version.count)] + version)
    }

    /// A directory that cannot be created is one clear error, not a crash.
    @Test func unwritableDirectoryThrows() throws {
        let blocker = BuiltProducts.temporaryDirectory("partita-events") + "/a-file"
        try Data().write(to: URL(fileURLWithPath: blocker))
        #expect(throws: TensorBoardError.self) {
            _ = try EventFileWriter(directory: blocker + "/tensorboard", wallTime: 1, hostName: "h")
        }
    }
}

extension EventFileTests {
    /// A full device (`/dev/full` answers every write with ENOSPC) is a thrown error naming the file and the
    /// reason, not a crash.
    @Test func fullDiskThrows() throws {
        do {
            _ = try EventFileWriter(file: "/dev/full", wallTime: 1)
            Issue.record("writing to /dev/full did not throw")
        } catch {
            #expect("\(error)".contains("/dev/full") && "\(error)".contains("No space left on device"), "\(error)")
        }
    }
}
