import Cluster
public import Configuration
import Foundation
import Methods
import Networks
import Reports
import TensorBoard

/// Mirrors what the coordinator records into a TensorBoard event file,
/// `RUN/tensorboard/events.out.tfevents.<unix time>.<host>` (`train.tensorboard`, on by default):
///
/// - every number of every `metrics.jsonl` record as a scalar `<split>/<field>`: arrays as `<split>/<field>/<i>`
///   (nested: `/<i>/<j>`), booleans as 0 and 1; `step` is the step axis and `time` the event's wall time;
///   strings and `null` (a non-finite value) are left out;
/// - every number of every `gaussianity.jsonl` record as `gaussianity/layer-<l>/<field>`;
/// - each rank's step time and all-reduce wait (the numbers of its `steps` log records) as
///   `rank-NNNN/<field>`;
/// - each parameter tensor as a histogram `parameters/<name>` at every evaluation of the training loop;
/// - the gathered pre-activation subsample of each layer as a histogram `gaussianity/preactivations/layer-<l>`;
/// - the resolved config as text `config` at the session's first step.
///
/// TensorBoard keeps scalars as 32-bit floats: a point equals `Float(value)` of the metrics record. A resumed
/// run writes a new file that starts with a session-start marker at the step after its checkpoint, so
/// TensorBoard drops the points the interrupted run logged past the checkpoint, as `metrics.jsonl` does.
final class TensorBoardMirror {
    let events: EventFileWriter

    init(directory: String, config: ResolvedConfig, startStep: Int) throws {
        let now = Date().timeIntervalSince1970
        events = try EventFileWriter(directory: directory, wallTime: now)
        if startStep > 0 { try events.writeSessionStart(step: startStep + 1, wallTime: now) }
        try events.write(
            [.text(tag: "config", "```yaml\n" + config.yaml + "```\n")], step: startStep, wallTime: now)
    }

    /// Mirrors one `metrics.jsonl` record.
    func mirror(metrics line: JSONLine) throws {
        guard let record = JSONValue(parsing: line.description), let step = record["step"]?.integer else { return }
        let split = record["split"]?.string ?? "metrics"
        let values = Self.scalars(record, tag: split, skipping: ["step", "time", "split"])
        try events.write(values, step: step, wallTime: Self.time(record))
    }

    /// Mirrors one `gaussianity.jsonl` record (one layer at one step).
    func mirror(gaussianity line: JSONLine) throws {
        guard let record = JSONValue(parsing: line.description), let step = record["step"]?.integer,
            let layer = record["layer"]?.integer
        else { return }
        let values = Self.scalars(record, tag: "gaussianity/layer-\(layer)", skipping: ["step", "time", "layer"])
        try events.write(values, step: step, wallTime: Self.time(record))
    }

    /// Mirrors the numbers of the `steps` log records of `rank` (its step time and all-reduce wait).
    func mirror(rank: Int, logLines: [String]) throws {
        for line in logLines {
            guard let record = JSONValue(parsing: line), record["message"]?.string == "steps",
                let metadata = record["metadata"]?.object, let step = metadata["step"]?.string.flatMap(Int.init)
            else { continue }
            let values = metadata.keys.sorted().compactMap { key -> SummaryValue? in
                guard key != "step", let value = metadata[key]?.string.flatMap(Double.init) else { return nil }
                return .scalar(tag: "rank-" + Self.padded(rank) + "/" + key, value: value)
            }
            try events.write(values, step: step, wallTime: Self.time(record))
        }
    }

    /// A histogram of each parameter tensor, `parameters/<name>`.
    func mirror<Scalar: TrainingScalar>(parameters: ParameterBuffer<Scalar>, step: Int) throws {
        let values = parameters.layout.views.map { view in
            SummaryValue.histogram(tag: "parameters/" + view.name, Histogram(parameters[view]))
        }
        try events.write(values, step: step, wallTime: Date().timeIntervalSince1970)
    }

    /// A histogram of each layer's gathered pre-activation subsample.
    func mirror(preactivations samples: [[Double]], step: Int) throws {
        let values = samples.enumerated().map { layer, values in
            SummaryValue.histogram(tag: "gaussianity/preactivations/layer-\(layer)", Histogram(values))
        }
        try events.write(values, step: step, wallTime: Date().timeIntervalSince1970)
    }

    /// The scalars of a JSON value under `tag`: a number or boolean is one, an array's elements are
    /// `tag/<i>`, an object's fields `tag/<key>` (those in `skipping` left out), in key order.
    static func scalars(_ value: JSONValue, tag: String, skipping: Set<String> = []) -> [SummaryValue] {
        switch value {
        case .number(let number): [.scalar(tag: tag, value: number)]
        case .bool(let flag): [.scalar(tag: tag, value: flag ? 1 : 0)]
        case .array(let elements):
            elements.enumerated().flatMap { index, element in scalars(element, tag: tag + "/\(index)") }
        case .object(let fields):
            fields.keys.sorted().filter { !skipping.contains($0) }.flatMap { key in
                scalars(fields[key]!, tag: tag + "/" + key)
            }
        case .null, .string: []
        }
    }

    static func time(_ record: JSONValue) -> Double {
        record["time"]?.number ?? Date().timeIntervalSince1970
    }

    static func padded(_ rank: Int) -> String {
        let digits = String(rank)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension RunWriter {
    /// Opens the run's TensorBoard event file in `tensorboard/` (a new file, also on resume) and writes the
    /// config at `startStep`; from now on every record is mirrored into it (see `TensorBoardMirror`).
    public func startTensorBoard(config: ResolvedConfig, startStep: Int) throws {
        tensorBoard = try TensorBoardMirror(
            directory: directory.file("tensorboard"), config: config, startStep: startStep)
    }

    /// A histogram of each parameter tensor at `step` (the training loop calls it at every evaluation).
    func recordParameters<Scalar: TrainingScalar>(_ parameters: ParameterBuffer<Scalar>, step: Int) throws {
        try tensorBoard?.mirror(parameters: parameters, step: step)
    }
}
