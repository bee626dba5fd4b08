import Cluster
import Configuration
import Diagnostics
import Foundation
import Methods
import Networks
import Tensors

// Legend: P probe rows, N ranks, width_l the outputs of layer l. The values of layer l over the probe batch
// are indexed k = p·width_l + unit, p the position in the probe batch (0..<P); rank r holds the positions
// p ≡ r (mod N).

/// The Gaussianity diagnostics of training (`diagnostics.gaussianity_every`): on a fixed probe batch, the
/// pre-activations Z_l of every layer, pooled over rows and units.
///
/// Each rank forwards its strided share of the probe rows. Moments are combined exactly: one all-reduce of
/// (count, Σz) per layer gives the mean, a second one the central sums Σ(z − z̄)^k, k = 2, 3, 4 (see
/// `Moments`). The sample-based tests (KS, Anderson–Darling, Shapiro–Wilk) run at rank 0 on a subsample
/// gathered from the ranks: a fixed random choice of indices k, the same for any number of ranks, so the
/// statistics do not depend on how the probe is split. Diagnostics stays rank-agnostic; this type decides
/// what crosses the network.
final class GaussianityProbe {
    let every: Int
    /// Rows of the training data set in the probe batch (in probe order).
    let rows: [Int]
    /// The sorted subsample indices k of each layer.
    let subsample: [[Int]]
    let widths: [Int]
    let architecture: MLPArchitecture
    let rank: Int
    let size: Int

    init(settings: Settings, data: PreparedData, architecture: MLPArchitecture, rank: Int, size: Int) {
        every = settings.diagnostics.gaussianityEvery
        let seed = UInt64(settings.run.seed)
        var stream = RandomStream(seed: seed, key: .probeBatch)
        let probeSize = min(settings.diagnostics.probeSize, data.trainRows.count)
        rows = stream.permutation(data.trainRows.count).prefix(probeSize).map { data.trainRows[$0] }
        self.architecture = architecture
        widths = Array(architecture.sizes.dropFirst())
        let wanted = settings.diagnostics.subsample
        subsample = widths.enumerated().map { layer, width in
            var stream = RandomStream(seed: seed, key: .probeBatch.with(index: 1 + layer))
            return Self.choose(wanted, from: probeSize * width, stream: &stream)
        }
        self.rank = rank
        self.size = size
    }

    /// `count` distinct indices of 0..<total chosen uniformly (Floyd's algorithm), sorted; all of them when
    /// `count ≥ total`.
    static func choose(_ count: Int, from total: Int, stream: inout RandomStream) -> [Int] {
        guard count < total else { return Array(0..<total) }
        var chosen = Set<Int>()
        for j in (total - count)..<total {
            let t = stream.integer(below: j + 1)
            chosen.insert(chosen.contains(t) ? j : t)
        }
        return chosen.sorted()
    }

    /// The probe positions of this rank: rank, rank + N, …
    var localPositions: StrideTo<Int> { stride(from: rank, to: rows.count, by: size) }

    /// The MLP of the config over a training method's parameters, taken view by view by name (`layers.l.weight`,
    /// `layers.l.bias`), so methods that train more than the MLP (extra output copies) still expose it; nil when
    /// a view is missing or has another shape.
    func model<Scalar: TrainingScalar>(from parameters: ParameterBuffer<Scalar>) -> MLP<Scalar>? {
        let layout = architecture.layout
        if parameters.layout == layout { return MLP(architecture, parameters: parameters) }
        var buffer = ParameterBuffer<Scalar>(layout: layout)
        for view in layout.views {
            guard let source = parameters.layout.view(named: view.name), source.shape == view.shape else { return nil }
            buffer[view] = parameters[source]
        }
        return MLP(architecture, parameters: buffer)
    }

    /// Which rank holds index k of layer l.
    func owner(_ k: Int, layer: Int) -> Int { (k / widths[layer]) % size }

    /// Measures every layer; a collective. Returns the statistics per layer at rank 0, nil elsewhere, and the
    /// gathered subsample of each layer (for `gaussianity-probe.json`).
    func measure<Scalar: TrainingScalar>(
        model: MLP<Scalar>, data: PreparedData, communicator: any Communicator
    ) throws -> (statistics: [GaussianityStatistics?], samples: [[Double]])? {
        let localRows = localPositions.map { rows[$0] }
        // Z_l as Double, (local rows, width_l) row-major; none when there are more ranks than probe rows.
        var layers = widths.map { _ in [Double]() }
        if !localRows.isEmpty {
            let (inputs, _) = data.batch(data.source, rows: localRows, as: Scalar.self)
            layers = model.forward(inputs).preactivations.map { $0.storage.map(Double.init) }
        }

        var totals = layers.flatMap { values -> [Double] in
            let (count, sum) = Moments.countAndSum(values)
            return [Double(count), sum]
        }
        try communicator.allReduce(&totals, .sum)
        let means = layers.indices.map { totals[2 * $0 + 1] / totals[2 * $0] }
        var central = layers.indices.flatMap { Moments.centralSums(layers[$0], about: means[$0]).array }
        try communicator.allReduce(&central, .sum)

        // This rank's subsample values, layer after layer, each in increasing k.
        var local = [Double]()
        for (layer, indices) in subsample.enumerated() {
            let width = widths[layer]
            for k in indices where owner(k, layer: layer) == rank {
                local.append(layers[layer][(k / width / size) * width + k % width])
            }
        }
        let gathered = try communicator.gather(local.withUnsafeBytes { Array($0) }, root: 0)
        guard communicator.isCoordinator else { return nil }
        let parts = gathered.map { bytes in bytes.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) } }
        var cursors = [Int](repeating: 0, count: size)
        var samples = [[Double]]()
        var statistics = [GaussianityStatistics?]()
        for (layer, indices) in subsample.enumerated() {
            var values = [Double]()
            values.reserveCapacity(indices.count)
            for k in indices {
                let r = owner(k, layer: layer)
                values.append(parts[r][cursors[r]])
                cursors[r] += 1
            }
            let moments = Moments(
                count: Int(totals[2 * layer]), mean: means[layer],
                centralSums: .init(
                    second: central[3 * layer], third: central[3 * layer + 1], fourth: central[3 * layer + 2]))
            samples.append(values)
            statistics.append(values.count >= 3 ? GaussianityStatistics(moments: moments, sample: values) : nil)
        }
        return (statistics, samples)
    }
}
