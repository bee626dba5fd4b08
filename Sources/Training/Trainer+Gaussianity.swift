import Cluster
import Diagnostics
import Foundation

extension Trainer {
    /// Measures the pre-activations on the probe batch (a collective: every rank calls it at the same steps).
    /// Rank 0 appends one `gaussianity.jsonl` record per layer, rewrites `gaussianity-probe.json` with the
    /// gathered subsamples, and logs a one-line summary.
    func measureGaussianity() throws {
        guard let gaussianity else { return }
        guard let model = gaussianity.model(from: method.parameters) else {
            if step == 0 {
                logger.warning("gaussianity: the \(method.name) parameters hold no MLP of the config's shape")
            }
            return
        }
        guard let (statistics, samples) = try gaussianity.measure(model: model, data: data, communicator: communicator)
        else { return }
        let time = Date().timeIntervalSince1970
        var summary = [String]()
        for (layer, layerStatistics) in statistics.enumerated() {
            guard let s = layerStatistics else { continue }
            var line = JSONLine()
            line.add("step", step)
            line.add("layer", layer)
            line.add("width", gaussianity.widths[layer])
            for (name, value) in s.fields { line.add(name, value) }
            line.add("time", time)
            try writer?.recordGaussianity(line)
            summary.append(
                String(
                    format: "%d: var %.3g kurt %+.3g KS %.4f W %@", layer, s.moments.variance,
                    s.moments.excessKurtosis, s.ksStandard,
                    s.shapiroWilk.map { String(format: "%.4f", $0.statistic) } ?? "-"))
        }
        try writer?.writeGaussianityProbe(step: step, samples: samples)
        logger.info("gaussianity", metadata: ["step": "\(step)", "layers": "\(summary.joined(separator: "; "))"])
    }
}
