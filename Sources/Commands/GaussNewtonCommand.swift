import ArgumentParser
import Checkpoints
import Cluster
import Datasets
import Foundation
import Methods
import Training

/// `partita gauss-newton`: the mean-field teacher-student study of the Gauss-Newton paper.
struct GaussNewtonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gauss-newton",
        abstract:
            "Train the mean-field one-hidden-layer student on teacher data with Gauss-Newton or gradient descent.",
        discussion: """
            The student f(x) = (1/H)·Σ v_h·σ(w_h·x + b_h) starts from w, b ~ N(0, std²) and v = 0; the data come \
            from a teacher with 5 hidden units. Gauss-Newton solves with the closed-form Gram matrix and the \
            damping ε = max(1e-7, σ_min). Training stops when the loss has dropped by --tolerance. Then the \
            output weights are refitted on the learned features (the hidden-learning probe). Under mpirun the \
            hidden units are shared out among the ranks. Writes a run directory (metrics.jsonl, run.json).
            """)

    @Option(help: "gn (Gauss-Newton), gd (gradient descent) or random-features (fit v on the initial features).")
    var method: MeanFieldStudyMethod = .gn

    @Option(help: "H, the student's hidden units.")
    var hidden = 500

    @Option(help: "Standard deviation of the initial w and b.")
    var std = 0.1

    @Option(help: "Learning rate.")
    var lr = 10.0

    @Option(help: "Iteration cap.")
    var maxIterations = 2000

    @Option(help: "Stop when the training loss is below this fraction of the initial loss.")
    var tolerance = 1e-8

    @Option(help: "Training samples N.")
    var train = 100

    @Option(help: "Test samples.")
    var test = 2000

    @Option(help: "Input dimension d.")
    var inputDim = 10

    @Option(help: "The teacher's hidden units.")
    var teacherWidth = 5

    @Option(help: "silu or relu (student and teacher).")
    var activation: TeacherStudent.Activation = .silu

    @Option(help: "Seed of the data and the initialization.")
    var seed = 1

    @Option(help: "Log the metrics every N iterations.")
    var logEvery = 10

    @Option(help: "Parent directory of the run directory.")
    var runDir = "runs"

    @Option(help: "Run name.")
    var name = "gauss-newton"

    @Option(help: ArgumentHelp("Write the final parameters (H rows of w, b, v) to this .npy file.", valueName: "file"))
    var parametersOut: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var shared: SharedOptions

    func validate() throws {
        guard hidden > 0, train > 0, test >= 0, inputDim > 0, teacherWidth > 0, logEvery > 0, maxIterations >= 0 else {
            throw ValidationError("--hidden, --train, --input-dim, --teacher-width and --log-every must be positive")
        }
        guard lr > 0, std >= 0, tolerance >= 0, seed >= 0 else {
            throw ValidationError("--lr must be positive; --std, --tolerance and --seed not negative")
        }
    }

    func run() throws {
        try Runtime.run(logLevel: shared.logLevel.level) { context in
            var settings = MeanFieldStudy.Settings()
            settings.method = method.rawValue
            settings.hidden = hidden
            settings.std = std
            settings.learningRate = lr
            settings.maxIterations = maxIterations
            settings.tolerance = tolerance
            settings.trainCount = train
            settings.testCount = test
            settings.inputDimension = inputDim
            settings.teacherWidth = teacherWidth
            settings.activation = activation.rawValue
            settings.seed = UInt64(seed)
            settings.logEvery = logEvery
            let communicator = context.communicator
            let hosts = try TrainingSession.gatherHostNames(communicator)
            var directory: RunDirectory?
            if communicator.isCoordinator { directory = try RunDirectory.create(parent: runDir, name: name) }
            var info = RunInfo(
                name: directory?.name ?? "", worldSize: communicator.size, hosts: hosts, seed: seed,
                commandLine: CommandLine.arguments, resumedFromStep: nil)
            let summary: MeanFieldStudy.Summary
            // As in `TrainingSession`: once the directory exists, run.json says how the run ended, also when it
            // failed (so `partita logs --follow --until-finished` stops).
            do {
                var writer: LineWriter?
                if let directory {
                    let description = Mirror(reflecting: settings).children.map { "  \($0.label ?? ""): \($0.value)" }
                    try AtomicFile.write(
                        string: "gauss_newton:\n" + description.joined(separator: "\n") + "\n", to: directory.configPath
                    )
                    writer = try LineWriter(path: directory.metricsPath)
                    try AtomicFile.write(string: info.json, to: directory.runInfoPath)
                }
                summary = try MeanFieldStudy.run(
                    settings, communicator: communicator, record: { try writer?.append($0.description) },
                    parameters: { rows in
                        guard communicator.isCoordinator, let path = parametersOut else { return }
                        try AtomicFile.write(NpyFile.encode(float64Rows: rows), to: path)
                    })
                info.finish(status: "completed")
                if let directory { try AtomicFile.write(string: info.json, to: directory.runInfoPath) }
            } catch {
                info.finish(status: "failed", error: "\(error)")
                if let directory { try? AtomicFile.write(string: info.json, to: directory.runInfoPath) }
                throw error
            }
            guard communicator.isCoordinator else { return }
            if json {
                var line = JSONLine()
                line.add("method", summary.method)
                line.add("iterations", summary.iterations)
                line.add("initial_loss", summary.initialLoss)
                line.add("train_loss", summary.trainLoss)
                line.add("test_loss", summary.testLoss)
                line.add("reached_tolerance", summary.reachedTolerance)
                line.add("weighted_distance", summary.weightedDistance)
                line.add("refit_train_loss", summary.refitTrainLoss)
                line.add("refit_test_loss", summary.refitTestLoss)
                line.add("seconds", summary.seconds)
                Console.output(line.description)
            } else {
                Console.output(
                    String(
                        format: "%@: %d iterations, train loss %.3e (%@ the tolerance), test loss %.3e, "
                            + "weighted distance %.4f; after refitting v: test loss %.3e",
                        summary.method, summary.iterations, summary.trainLoss,
                        summary.reachedTolerance ? "reached" : "did not reach", summary.testLoss,
                        summary.weightedDistance, summary.refitTestLoss))
                if let directory { Console.output("run directory: \(directory.path)") }
            }
        }
    }
}
