import ArgumentParser
import Cluster
import Foundation
import Methods
import Optimizers
import Training

/// `partita curvature CHECKPOINT [--data ...] [--partition ...] [--direction ...] [--json]`.
struct CurvatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curvature",
        abstract: "Per-subset curvature of a checkpoint's loss: ḡ, H̄, D3 and the learning rates they imply.",
        discussion: """
            Along the direction u (the gradient, the momentum-SGD step or the Adam step at rate 1), with \
            the parameters split into subsets (per layer by default): ḡᵢ = gᵀu₍ᵢ₎, H̄ᵢⱼ = u₍ᵢ₎ᵀHu₍ⱼ₎ and \
            D3ᵢ = the third derivative along u₍ᵢ₎; η = H̄⁻¹ḡ is the Newton step of each subset along u, and the \
            cubic-regularized η its safer version: per-layer learning rates for this point of training. Under \
            mpirun the samples are split across the ranks and the tensors summed.
            """)

    @Argument(help: "A checkpoint file (.safetensors).")
    var checkpoint: String

    @Option(help: "Which split of the checkpoint's data: train, validation or test.")
    var data: SplitArgument = .train

    @Option(help: "How many samples of it (0: all).")
    var samples = 1000

    @Option(help: "tensor, layer, trivial, weights-biases or groups.")
    var partition: GroupedNewtonSettings.PartitionChoice = .layer

    @Option(help: "With --partition groups: tensor names, comma-separated, groups separated by `;`.")
    var groups = ""

    @Option(help: "The direction u: the gradient, the momentum-SGD step or the Adam step (at rate 1).")
    var direction: CheckpointCurvature.Direction = .gradient

    @Option(help: "λ_int of the order-3 step.")
    var lambda = 1.0

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a data.* key of the checkpoint's config (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var shared: SharedOptions

    func validate() throws {
        guard samples >= 0 else { throw ValidationError("--samples must be 0 or positive") }
        guard data != .all else { throw ValidationError("--data takes one split: train, validation or test") }
    }

    func run() throws {
        try Runtime.run(logLevel: shared.logLevel.level) { context in
            let result = try CheckpointCurvature.run(
                checkpointPath: checkpoint, split: data.splits[0], samples: samples, partition: partition.rawValue,
                groups: groups, direction: direction, lambda: lambda, dataOverrides: overrides,
                communicator: context.communicator)
            guard context.communicator.isCoordinator else { return }
            Console.output(json ? Self.json(result) : Self.text(result))
        }
    }

    static func json(_ r: CheckpointCurvature.Result) -> String {
        let s = r.subsets.count
        var line = JSONLine()
        line.add("subsets", raw: "[" + r.subsets.map(JSONLine.quoted).joined(separator: ",") + "]")
        line.add("samples", r.samples)
        line.add("g_bar", raw: JSONLine.array(r.gBar))
        line.add(
            "h_bar",
            raw: "[" + (0..<s).map { JSONLine.array(Array(r.hBar[($0 * s)..<($0 * s + s)])) }.joined(separator: ",")
                + "]")
        line.add("d3", raw: JSONLine.array(r.d3))
        switch r.orderTwo {
        case .success(let eta): line.add("eta_order2", raw: JSONLine.array(eta))
        case .failure(let failure): line.add("eta_order2_failure", failure.description)
        }
        line.add("lambda", r.lambda)
        switch r.orderThree {
        case .success(let eta): line.add("eta_order3", raw: JSONLine.array(eta))
        case .failure(let failure): line.add("eta_order3_failure", failure.description)
        }
        return line.description
    }

    static func text(_ r: CheckpointCurvature.Result) -> String {
        let width = max(8, r.subsets.map(\.count).max() ?? 0)
        func pad(_ text: String) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        func eta(_ result: Result<[Double], GroupedNewtonSolver.Failure>, _ i: Int) -> String {
            switch result {
            case .success(let values): String(format: "%12.4e", values[i])
            case .failure: String(repeating: " ", count: 9) + "n/a"
            }
        }
        var lines = ["\(r.samples) samples; η is the step along u of each subset (a learning rate for u = gradient)"]
        lines.append(
            pad("subset") + "          ḡ            H̄ᵢᵢ            D3      η order 2   η order 3 (λ=\(r.lambda))")
        let s = r.subsets.count
        for i in 0..<s {
            lines.append(
                pad(r.subsets[i])
                    + String(format: " %12.4e %12.4e %12.4e", r.gBar[i], r.hBar[i * s + i], r.d3[i]) + " "
                    + eta(r.orderTwo, i) + " " + eta(r.orderThree, i))
        }
        if case .failure(let failure) = r.orderTwo { lines.append("order 2: \(failure)") }
        if case .failure(let failure) = r.orderThree { lines.append("order 3: \(failure)") }
        return lines.joined(separator: "\n")
    }
}
