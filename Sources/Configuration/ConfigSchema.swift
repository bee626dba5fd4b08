/// One documented config key: `section.name`, its type, its default and what it does.
public struct ConfigKey: Sendable {
    public let section: String
    public let name: String
    public let type: ConfigType
    public let defaultValue: ConfigValue
    public let help: String

    public var path: String { section + "." + name }
}

/// Every config key Partita understands, with its default. The single source of truth for parsing,
/// validation, `--set`, the resolved `config.yaml` and `docs/configuration.md`.
public struct ConfigSchema: Sendable {
    public struct Section: Sendable {
        public let name: String
        public let help: String
        public let keys: [ConfigKey]
    }

    public let sections: [Section]

    public func section(_ name: String) -> Section? { sections.first { $0.name == name } }

    public func key(_ path: String) -> ConfigKey? {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return section(parts[0])?.keys.first { $0.name == parts[1] }
    }

    public var allKeys: [ConfigKey] { sections.flatMap(\.keys) }
}

extension ConfigSchema {
    /// The schema of this version of Partita.
    public static let partita = ConfigSchema(sections: [
        Section(
            name: "run", help: "Naming, output location and the seed of every random stream.",
            keys: [
                .init(
                    section: "run", name: "name", type: .string, defaultValue: .string("digits-mlp"),
                    help: "Run name: the run directory is `dir/name` (`-2`, `-3`, ... appended if it exists)."),
                .init(
                    section: "run", name: "dir", type: .string, defaultValue: .string("runs"),
                    help: "Parent directory of run directories."),
                .init(
                    section: "run", name: "seed", type: .integer(0...Int(Int32.max)), defaultValue: .integer(0),
                    help: "Seed of every random stream (initialization, split, shuffling, generators)."),
                .init(
                    section: "run", name: "report", type: .boolean, defaultValue: .boolean(true),
                    help: "Write `report.html` (curves, per-rank timing, diagnostics, config) into the run directory "
                        + "when training ends; `partita report RUN` writes it at any time."),
            ]),
        Section(
            name: "data", help: "Where samples come from and how they are split and batched.",
            keys: [
                .init(
                    section: "data", name: "name",
                    type: .choice([
                        "digits", "fashion-mnist", "npy", "idx", "csv", "teacher-student", "sin-regression",
                        "gaussian-classes",
                    ]),
                    defaultValue: .string("digits"),
                    help: "The data set: bundled `digits` (1797 8×8 images), `fashion-mnist` (Debian package "
                        + "dataset-fashion-mnist), files (`npy`, `idx`, `csv`), or a generator."),
                .init(
                    section: "data", name: "batch_size", type: .integer(1...Int.max), defaultValue: .integer(64),
                    help: "Global batch size: the samples of one step summed over all ranks (must be a multiple of "
                        + "the number of ranks). The same config gives the same steps on any number of ranks."),
                .init(
                    section: "data", name: "validation", type: .number(0...0.9), defaultValue: .number(0.2),
                    help: "Fraction of the training samples held out for validation."),
                .init(
                    section: "data", name: "normalize", type: .choice(["standardize", "scale", "unit-norm", "none"]),
                    defaultValue: .string("standardize"),
                    help: "Feature normalization fitted on the training split: per-feature `standardize`, a constant "
                        + "`scale` (data.scale), `unit-norm` per sample (‖x‖²/n₀ = 1), or `none`."),
                .init(
                    section: "data", name: "scale", type: .number(-.infinity...(.infinity)), defaultValue: .number(1),
                    help: "Factor for `normalize: scale` (e.g. 0.00392156862745098 for 1/255)."),
                .init(
                    section: "data", name: "train_subset", type: .integer(0...Int.max), defaultValue: .integer(0),
                    help: "Keep only the first N samples of the (shuffled) training file; 0 keeps all."),
                .init(
                    section: "data", name: "test_subset", type: .integer(0...Int.max), defaultValue: .integer(0),
                    help: "Keep only the first N samples of the test split; 0 keeps all."),
                .init(
                    section: "data", name: "features", type: .string, defaultValue: .string(""),
                    help: "For npy/idx/csv: the training features file (for csv: features and labels together)."),
                .init(
                    section: "data", name: "labels", type: .string, defaultValue: .string(""),
                    help: "For npy/idx: the training labels file (integers: classes; floats: regression targets)."),
                .init(
                    section: "data", name: "test_features", type: .string, defaultValue: .string(""),
                    help: "For npy/idx/csv: an optional test features file."),
                .init(
                    section: "data", name: "test_labels", type: .string, defaultValue: .string(""),
                    help: "For npy/idx: the test labels file."),
                .init(
                    section: "data", name: "label_column", type: .integer(Int.min...Int.max),
                    defaultValue: .integer(-1),
                    help: "For csv: the label column; negative counts from the end (-1 = last)."),
                .init(
                    section: "data", name: "header", type: .choice(["auto", "present", "absent"]),
                    defaultValue: .string("auto"),
                    help: "For csv: whether the first line is a header (`auto`: if any cell is not a number)."),
                .init(
                    section: "data", name: "task", type: .choice(["auto", "classification", "regression"]),
                    defaultValue: .string("auto"),
                    help: "For files: `auto` treats integer labels as classes and real labels as regression targets."),
                .init(
                    section: "data", name: "train_size", type: .integer(1...Int.max), defaultValue: .integer(1000),
                    help: "For generators: number of training samples."),
                .init(
                    section: "data", name: "test_size", type: .integer(0...Int.max), defaultValue: .integer(1000),
                    help: "For generators: number of test samples."),
                .init(
                    section: "data", name: "input_dim", type: .integer(1...Int.max), defaultValue: .integer(10),
                    help: "For teacher-student and gaussian-classes: input dimension."),
                .init(
                    section: "data", name: "teacher_width", type: .integer(1...Int.max), defaultValue: .integer(5),
                    help: "For teacher-student: hidden units of the teacher network."),
                .init(
                    section: "data", name: "teacher_activation", type: .choice(["silu", "relu"]),
                    defaultValue: .string("silu"), help: "For teacher-student: the teacher's activation."),
                .init(
                    section: "data", name: "classes", type: .integer(2...Int.max), defaultValue: .integer(3),
                    help: "For gaussian-classes: number of classes."),
                .init(
                    section: "data", name: "separation", type: .number(0...(.infinity)), defaultValue: .number(3),
                    help: "For gaussian-classes: standard deviation of the class means (noise has unit variance)."),
            ]),
        Section(
            name: "model",
            help: "The network: a multilayer perceptron with a linear output layer, or a list of layers.",
            keys: [
                .init(
                    section: "model", name: "hidden", type: .integerList(1...Int.max, minimumCount: 0),
                    defaultValue: .integerList([128, 64]),
                    help: "Hidden layer widths, input side first (the MLP shorthand, used when `layers` is empty)."),
                .init(
                    section: "model", name: "layers", type: .stringList, defaultValue: .stringList([]),
                    help: "The network as a list of layers, input side first, one spec each: `conv2d 6 5x5 same`, "
                        + "`conv1d 16 5`, `depthwise 3x3 stride 2 same`, `maxpool 2`, `avgpool 2`, `globalavgpool`, "
                        + "`flatten`, `dense 120`, `relu6` or an activation name (see *Layer specs* above). The "
                        + "input shape comes from the data and the last layer must output one value per class or "
                        + "target. Empty: `hidden` and `activation` (an MLP). sgd and adam only for now."),
                .init(
                    section: "model", name: "activation",
                    type: .choice([
                        "relu", "tanh", "silu", "elu", "gelu", "softplus", "sigmoid", "identity", "weibull-odd",
                        "weibull-positive",
                    ]),
                    defaultValue: .string("relu"),
                    help: "Activation of every hidden layer; `weibull-odd`/`weibull-positive` are the Weibull-paired "
                        + "activations for `model.weibull_theta` (use with `init: weibull-paired`, see "
                        + "docs/methods/gaussianity.md)."),
                .init(
                    section: "model", name: "init",
                    type: .choice(["he", "glorot", "gaussian", "weibull", "weibull-paired"]),
                    defaultValue: .string("he"),
                    help: "Weight initialization: He normal, Glorot uniform, N(0, σ_w²/fan_in), symmetric "
                        + "Weibull(θ)/√fan_in, or `weibull-paired`: N(0, 1/fan_in) in the first layer and "
                        + "Weibull(θ)/√fan_in after it."),
                .init(
                    section: "model", name: "sigma_w", type: .number(0...(.infinity)), defaultValue: .number(1),
                    help: "σ_w for `init: gaussian`."),
                .init(
                    section: "model", name: "sigma_b", type: .number(0...(.infinity)), defaultValue: .number(0),
                    help: "σ_b for `init: gaussian` (bias ~ N(0, σ_b²))."),
                .init(
                    section: "model", name: "weibull_theta", type: .number(0.1...1000), defaultValue: .number(3),
                    help: "Shape θ for `init: weibull` and `weibull-paired`, and of the Weibull-paired activations "
                        + "(which exist for the θ of their tables only)."),
                .init(
                    section: "model", name: "bias", type: .boolean, defaultValue: .boolean(true),
                    help: "Whether dense layers have a bias."),
                .init(
                    section: "model", name: "dtype", type: .choice(["float32", "float64"]),
                    defaultValue: .string("float32"),
                    help: "Scalar type of parameters and activations."),
                .init(
                    section: "model", name: "loss",
                    type: .choice(["auto", "cross-entropy", "half-mse", "gaussian-nll"]),
                    defaultValue: .string("auto"),
                    help: "Training loss; `auto`: softmax cross-entropy for classes, ½·squared error for regression."),
                .init(
                    section: "model", name: "nll_variance", type: .number(1e-12...(.infinity)),
                    defaultValue: .number(1),
                    help: "σ² of the Gaussian negative log-likelihood loss."),
            ]),
        optimizerSection,
        Section(
            name: "train", help: "The training loop.",
            keys: [
                .init(
                    section: "train", name: "epochs", type: .integer(1...Int.max), defaultValue: .integer(20),
                    help: "Passes over the training split."),
                .init(
                    section: "train", name: "max_steps", type: .integer(0...Int.max), defaultValue: .integer(0),
                    help: "Stop after this many steps in total (0: no limit). Does not change the schedule."),
                .init(
                    section: "train", name: "log_every", type: .integer(1...Int.max), defaultValue: .integer(10),
                    help: "Write a training metrics record every N steps."),
                .init(
                    section: "train", name: "eval_every", type: .integer(0...Int.max), defaultValue: .integer(0),
                    help: "Evaluate on the validation split every N steps (0: at the end of every epoch)."),
                .init(
                    section: "train", name: "checkpoint_every", type: .integer(0...Int.max),
                    defaultValue: .integer(200),
                    help: "Write a checkpoint every N steps (0: only at the end)."),
                .init(
                    section: "train", name: "keep_checkpoints", type: .integer(1...Int.max), defaultValue: .integer(3),
                    help: "How many of the newest checkpoints to keep."),
                .init(
                    section: "train", name: "hash_check_every", type: .integer(0...Int.max),
                    defaultValue: .integer(100),
                    help: "Compare a hash of the parameters across ranks every N steps (0: never)."),
                .init(
                    section: "train", name: "bucket_mb", type: .number(0...(.infinity)), defaultValue: .number(0),
                    help:
                        "Gradient all-reduce bucket size in MiB: each bucket's non-blocking all-reduce starts as soon "
                        + "as backward has produced it (0: one all-reduce after backward)."),
                .init(
                    section: "train", name: "allreduce", type: .choice(["shared-memory", "mpi"]),
                    defaultValue: .string("shared-memory"),
                    help:
                        "How the gradient is summed over ranks: `shared-memory` writes it into memory the ranks of "
                        + "a host share and sums it there (MPI between hosts), when every host runs the same "
                        + "number (≥ 2) of ranks and bucket_mb is 0; otherwise, and with `mpi`, MPI_Allreduce."),
                .init(
                    section: "train", name: "collective_timeout", type: .number(0...(.infinity)),
                    defaultValue: .number(300),
                    help:
                        "Seconds a collective may wait for the other ranks before the job is ended as hung (0: never)."),
            ] + trainOutputKeys),
        diagnosticsSection,
        Section(
            name: "export",
            help: "Gradual magnitude pruning during training (Zhu–Gupta cubic schedule), for `partita export`.",
            keys: [
                .init(
                    section: "export", name: "final_sparsity", type: .number(0...0.999), defaultValue: .number(0),
                    help: "Fraction of the weights set to zero (and kept there) by `prune_end`; 0 disables pruning."),
                .init(
                    section: "export", name: "initial_sparsity", type: .number(0...0.999), defaultValue: .number(0),
                    help: "Sparsity at `prune_start`; it rises as s_f + (s_i − s_f)(1 − p)³ to `final_sparsity`."),
                .init(
                    section: "export", name: "prune_start", type: .integer(0...Int.max), defaultValue: .integer(0),
                    help: "Step (steps completed) of the first mask update."),
                .init(
                    section: "export", name: "prune_end", type: .integer(0...Int.max), defaultValue: .integer(0),
                    help: "Step of the last mask update, after which the masks stay fixed; 0: at 75% of the planned "
                        + "steps, leaving the last quarter to recover."),
                .init(
                    section: "export", name: "prune_every", type: .integer(1...Int.max), defaultValue: .integer(10),
                    help: "Steps between mask updates."),
                .init(
                    section: "export", name: "prune_scope", type: .choice(["layer", "global"]),
                    defaultValue: .string("layer"),
                    help: "`layer`: every weight matrix reaches the sparsity; `global`: one magnitude threshold for "
                        + "all of them."),
                .init(
                    section: "export", name: "prune_output_layer", type: .boolean, defaultValue: .boolean(true),
                    help: "Whether the output layer's weights are pruned too (biases never are)."),
            ]),
    ])
}
