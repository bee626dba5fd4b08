import Checkpoints
import Cluster
import Foundation

extension RunWriter {
    var gaussianityPath: String { directory.file("gaussianity.jsonl") }
    var gaussianityProbePath: String { directory.file("gaussianity-probe.json") }

    /// Appends a record to `gaussianity.jsonl` (opened on the first record and kept open).
    func recordGaussianity(_ line: JSONLine) throws {
        if gaussianityWriter == nil { gaussianityWriter = try LineWriter(path: gaussianityPath) }
        try gaussianityWriter!.append(line.description)
        try tensorBoard?.mirror(gaussianity: line)
    }

    /// Replaces `gaussianity-probe.json`: `{"step": S, "layers": [{"layer": 0, "samples": [...]}, ...]}`.
    func writeGaussianityProbe(step: Int, samples: [[Double]]) throws {
        let layers = samples.enumerated().map { layer, values in
            "{\"layer\":\(layer),\"samples\":\(JSONLine.array(values))}"
        }
        try AtomicFile.write(
            string: "{\"step\":\(step),\"layers\":[\n" + layers.joined(separator: ",\n") + "\n]}\n",
            to: gaussianityProbePath)
        try tensorBoard?.mirror(preactivations: samples, step: step)
    }
}
