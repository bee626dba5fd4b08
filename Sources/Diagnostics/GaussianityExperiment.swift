public import Cluster
import Foundation

/// The KS experiment of the Gaussianity paper (`partita gaussianity`, methods.md section 1.5): runs its points
/// across the ranks of a communicator and formats the results.
///
/// Each point's samples 0..<N are cut into one contiguous block per rank; the blocks are gathered at rank 0
/// in rank order, which gives exactly the samples one rank would have drawn (see `PropagationExperiment`), so
/// any number of ranks gives the same numbers. A configuration shared by several panels (e.g. widths [1, 2]
/// in A and B) is simulated once.
public struct GaussianityExperiment: Sendable {
    public struct Point: Sendable {
        /// nil for a single configuration (no panel).
        public let panel: PropagationPanel?
        /// The panel's x value (the varying width).
        public let x: Int
        /// The hidden widths n₀, n₁, ...
        public let widths: [Int]
        public let network: PropagationExperiment.Network

        public init(panel: PropagationPanel?, x: Int, widths: [Int], network: PropagationExperiment.Network) {
            self.panel = panel
            self.x = x
            self.widths = widths
            self.network = network
        }
    }

    /// The KS distance of a point's N outputs to N(0, 1), and their mean and variance.
    public struct Measurement: Sendable {
        public let ks: Double
        public let mean: Double
        public let variance: Double
    }

    public let samples: Int
    public let seed: UInt64
    public let points: [Point]

    public init(samples: Int, seed: UInt64, points: [Point]) {
        self.samples = samples
        self.seed = seed
        self.points = points
    }

    /// The points of the panels: for each panel, each network, each of the panel's widths up to `maxWidth`.
    public init(
        samples: Int, seed: UInt64, networks: [PropagationExperiment.Network], panels: [PropagationPanel],
        maxWidth: Int
    ) {
        var points = [Point]()
        for panel in panels {
            for network in networks {
                for (x, widths) in panel.widths(maxWidth: maxWidth) {
                    points.append(Point(panel: panel, x: x, widths: widths, network: network))
                }
            }
        }
        self.init(samples: samples, seed: seed, points: points)
    }

    /// One configuration of hidden widths for each network.
    public init(samples: Int, seed: UInt64, networks: [PropagationExperiment.Network], widths: [Int]) {
        self.init(
            samples: samples, seed: seed,
            points: networks.map { Point(panel: nil, x: 0, widths: widths, network: $0) })
    }

    /// The measurements at rank 0 (nil on the other ranks). Collective: every rank calls it.
    public func run(communicator: any Communicator) throws -> Result? {
        let started = Date()
        let rank = communicator.rank
        let size = communicator.size
        let block = (samples * rank / size)..<(samples * (rank + 1) / size)
        struct Key: Hashable {
            let network: PropagationExperiment.Network
            let widths: [Int]
        }
        var measured = [Key: Measurement]()
        for point in points {
            let key = Key(network: point.network, widths: point.widths)
            if measured[key] != nil { continue }
            let experiment = PropagationExperiment(network: point.network, widths: point.widths, seed: seed)
            let local = experiment.outputs(block)
            let bytes = local.withUnsafeBytes { Array($0) }
            let gathered = try communicator.gather(bytes, root: 0)
            guard communicator.isCoordinator else {
                measured[key] = Measurement(ks: 0, mean: 0, variance: 0)
                continue
            }
            var all = [Double]()
            all.reserveCapacity(samples)
            for part in gathered {
                part.withUnsafeBytes { all.append(contentsOf: $0.bindMemory(to: Double.self)) }
            }
            precondition(all.count == samples, "gaussianity: gathered \(all.count) of \(samples) samples")
            let moments = Moments(all)
            measured[key] = Measurement(
                ks: PropagationExperiment.ksDistance(all), mean: moments.mean, variance: moments.variance)
        }
        guard communicator.isCoordinator else { return nil }
        return Result(
            samples: samples, seed: seed, ranks: size, seconds: Date().timeIntervalSince(started),
            rows: points.map { ($0, measured[Key(network: $0.network, widths: $0.widths)]!) })
    }

    /// The measurements of every point, in the order of `points`, and how they were made.
    public struct Result: Sendable {
        public let samples: Int
        public let seed: UInt64
        public let ranks: Int
        public let seconds: Double
        public let rows: [(point: Point, measurement: Measurement)]

        /// E[D] under the null hypothesis, √(π/2)·ln 2/√N ≈ 0.8687/√N.
        public var noiseFloor: Double { (Double.pi / 2).squareRoot() * log(2.0) / Double(samples).squareRoot() }

        public var networks: [PropagationExperiment.Network] {
            var seen = [PropagationExperiment.Network]()
            for row in rows where !seen.contains(row.point.network) { seen.append(row.point.network) }
            return seen
        }

        public var panels: [PropagationPanel] {
            var seen = [PropagationPanel]()
            for row in rows { if let panel = row.point.panel, !seen.contains(panel) { seen.append(panel) } }
            return seen
        }

        public var markdown: String {
            var lines = [
                String(
                    format: "KS distance of the output to N(0, 1): %d samples per configuration (noise floor ≈ %.4f), "
                        + "seed %llu, %d rank(s), %.1f s.", samples, noiseFloor, seed, ranks, seconds), "",
            ]
            if panels.isEmpty {
                lines += ["| network | widths | KS | mean | variance |", "|---|---|---|---|---|"]
                for (point, m) in rows {
                    lines.append(
                        "| \(point.network) | \(point.widths) | "
                            + String(format: "%.4f | %.4f | %.4f |", m.ks, m.mean, m.variance))
                }
                return lines.joined(separator: "\n") + "\n"
            }
            for panel in panels {
                let xs = rows.filter { $0.point.panel == panel }.map(\.point.x)
                let columns = xs.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
                lines.append("**Panel \(panel.title)** (columns: \(panel.xLabel))")
                lines.append("")
                lines.append("| network | " + columns.map(String.init).joined(separator: " | ") + " |")
                lines.append("|---|" + columns.map { _ in "---:" }.joined(separator: "|") + "|")
                for network in networks {
                    let values = columns.map { x in
                        rows.first { $0.point.panel == panel && $0.point.x == x && $0.point.network == network }
                            .map { String(format: "%.4f", $0.measurement.ks) } ?? ""
                    }
                    lines.append("| \(network) | " + values.joined(separator: " | ") + " |")
                }
                lines.append("")
            }
            return lines.joined(separator: "\n")
        }

        public var json: String {
            let results = rows.map { point, m in
                var line = JSONLine()
                line.add("panel", point.panel?.rawValue)
                line.add("x", point.panel == nil ? nil : point.x)
                line.add("widths", raw: "[" + point.widths.map(String.init).joined(separator: ",") + "]")
                line.add("network", "\(point.network)")
                line.add("ks", m.ks)
                line.add("mean", m.mean)
                line.add("variance", m.variance)
                return line.description
            }
            var line = JSONLine()
            line.add("samples", samples)
            line.add("seed", Int(seed))
            line.add("ranks", ranks)
            line.add("seconds", seconds)
            line.add("noise_floor", noiseFloor)
            line.add("results", raw: "[\n" + results.joined(separator: ",\n") + "\n]")
            return line.description + "\n"
        }

        /// The figure spec of `partita plot`: one panel per panel, one series per network, KS on a log axis.
        public var figureSpec: String {
            let panelsJSON = panels.map { panel in
                let series = networks.map { network in
                    let points = rows.filter { $0.point.panel == panel && $0.point.network == network }
                    var line = JSONLine()
                    line.add("name", "\(network)")
                    line.add("x", raw: JSONLine.array(points.map { Double($0.point.x) }))
                    line.add("y", raw: JSONLine.array(points.map(\.measurement.ks)))
                    return "      " + line.description
                }
                var line = JSONLine()
                line.add("title", panel.title)
                line.add("series", raw: "[\n" + series.joined(separator: ",\n") + "\n    ]")
                return "    " + line.description
            }
            var line = JSONLine()
            line.add("title", "KS distance of the output of a 2-layer random network to N(0, 1), \(samples) samples")
            line.add("x_label", "hidden width (A: n₁, B: n₀, C: n₀ = n₁)")
            line.add("y_label", "KS distance sup|F̂ − Φ|")
            line.add("x_log", false)
            line.add("y_log", true)
            line.add("panels", raw: "[\n" + panelsJSON.joined(separator: ",\n") + "\n  ]")
            return line.description + "\n"
        }
    }
}
