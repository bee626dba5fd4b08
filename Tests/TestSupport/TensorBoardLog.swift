import Foundation

/// What TensorBoard's own reader, `EventAccumulator` (run with the project's Python), reads from a directory
/// of event files: the independent reference of the TensorBoard tests.
public struct TensorBoardLog {
    public struct Scalar: Sendable {
        public let step: Int
        public let value: Double
        public let wallTime: Double
    }

    public struct Histogram: Sendable {
        public let step: Int
        public let minimum: Double
        public let maximum: Double
        public let count: Double
        public let sum: Double
        public let sumOfSquares: Double
        public let bucketLimits: [Double]
        public let bucketCounts: [Double]
    }

    public struct Text: Sendable {
        public let step: Int
        public let strings: [String]
    }

    public let scalars: [String: [Scalar]]
    public let histograms: [String: [Histogram]]
    public let texts: [String: [Text]]
    /// The tags TensorBoard files under its text plugin.
    public let textPluginTags: [String]

    static let script = """
        import json, sys
        from tensorboard.backend.event_processing import event_accumulator as ea
        guidance = {ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.TENSORS: 0, ea.COMPRESSED_HISTOGRAMS: 0, ea.IMAGES: 0,
                    ea.AUDIO: 0}
        acc = ea.EventAccumulator(sys.argv[1], size_guidance=guidance, purge_orphaned_data=True)
        acc.Reload()
        tags = acc.Tags()
        f = lambda x: repr(float(x))  # exact: Swift reads it back with Double(String)
        out = {"scalars": {}, "histograms": {}, "texts": {}}
        for t in tags["scalars"]:
            out["scalars"][t] = [[e.step, f(e.value), f(e.wall_time)] for e in acc.Scalars(t)]
        for t in tags["histograms"]:
            out["histograms"][t] = [
                [e.step, f(h.min), f(h.max), f(h.num), f(h.sum), f(h.sum_squares), [f(x) for x in h.bucket_limit],
                 [f(x) for x in h.bucket]]
                for e in acc.Histograms(t) for h in [e.histogram_value]]
        for t in tags["tensors"]:
            out["texts"][t] = [[e.step, [s.decode() for s in e.tensor_proto.string_val]] for e in acc.Tensors(t)]
        try:
            out["text_plugin_tags"] = sorted(acc.PluginTagToContent("text").keys())
        except KeyError:
            out["text_plugin_tags"] = []
        print(json.dumps(out))
        """

    /// Reads every event file in `directory` with `EventAccumulator` (every point kept, orphaned points of a
    /// resumed run purged as TensorBoard does).
    public init(directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProjectPython.executable)
        process.arguments = ["-c", Self.script, directory]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw ReaderError(message: "EventAccumulator failed: \(errorText)") }
        let scalars = object["scalars"] as? [String: [[Any]]] ?? [:]
        self.scalars = scalars.mapValues { points in
            points.map { Scalar(step: Self.int($0[0]), value: Self.double($0[1]), wallTime: Self.double($0[2])) }
        }
        let histograms = object["histograms"] as? [String: [[Any]]] ?? [:]
        self.histograms = histograms.mapValues { events in
            events.map {
                Histogram(
                    step: Self.int($0[0]), minimum: Self.double($0[1]), maximum: Self.double($0[2]),
                    count: Self.double($0[3]), sum: Self.double($0[4]), sumOfSquares: Self.double($0[5]),
                    bucketLimits: ($0[6] as? [Any] ?? []).map(Self.double),
                    bucketCounts: ($0[7] as? [Any] ?? []).map(Self.double))
            }
        }
        let texts = object["texts"] as? [String: [[Any]]] ?? [:]
        self.texts = texts.mapValues { events in
            events.map { Text(step: Self.int($0[0]), strings: $0[1] as? [String] ?? []) }
        }
        textPluginTags = object["text_plugin_tags"] as? [String] ?? []
    }

    public struct ReaderError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Numbers come as Python's `repr` strings: Foundation's JSON parser can be one unit in the last place
    /// off, `Double(String)` rounds correctly.
    static func double(_ value: Any) -> Double { (value as? String).flatMap(Double.init) ?? .nan }
    static func int(_ value: Any) -> Int { (value as? NSNumber)?.intValue ?? -1 }

    /// The event files (`*tfevents*`) in `directory`, sorted.
    public static func eventFiles(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.contains("tfevents") }
            .sorted().map { directory + "/" + $0 }
    }
}
