extension ConfigSchema {
    /// The `optimizer` section: the shared hyper-parameters and each method's own keys (`alrao_*`, `gn_*`,
    /// `ggn_*`, `vi_*`), which decode into the `Settings` struct in the method's folder under `Methods/`.
    static let optimizerSection = Section(
        name: "optimizer", help: "The update rule and its hyper-parameters.",
        keys: [
            .init(
                section: "optimizer", name: "name",
                type: .choice(["sgd", "adam", "alrao", "grouped-newton", "gauss-newton", "vi"]),
                defaultValue: .string("sgd"),
                help: "The optimizer."),
            .init(
                section: "optimizer", name: "lr", type: .number(0...(.infinity)), defaultValue: .number(0.05),
                help: "Learning rate η (must be positive)."),
            .init(
                section: "optimizer", name: "momentum", type: .number(0...0.999999), defaultValue: .number(0.9),
                help: "SGD momentum μ."),
            .init(
                section: "optimizer", name: "nesterov", type: .boolean, defaultValue: .boolean(false),
                help: "SGD: use Nesterov momentum."),
            .init(
                section: "optimizer", name: "dampening", type: .number(0...1), defaultValue: .number(0),
                help: "SGD momentum dampening τ."),
            .init(
                section: "optimizer", name: "weight_decay", type: .number(0...(.infinity)),
                defaultValue: .number(0),
                help: "L2 penalty λ added to the gradient as λ·θ."),
            .init(
                section: "optimizer", name: "beta1", type: .number(0...0.999999), defaultValue: .number(0.9),
                help: "Adam β₁."),
            .init(
                section: "optimizer", name: "beta2", type: .number(0...0.999999999), defaultValue: .number(0.999),
                help: "Adam β₂."),
            .init(
                section: "optimizer", name: "epsilon", type: .number(0...(.infinity)), defaultValue: .number(1e-8),
                help: "Adam ε."),
            .init(
                section: "optimizer", name: "schedule", type: .choice(["constant", "cosine"]),
                defaultValue: .string("constant"),
                help: "Learning-rate schedule over all planned steps: constant, or cosine decay to `min_lr`."),
            .init(
                section: "optimizer", name: "min_lr", type: .number(0...(.infinity)), defaultValue: .number(0),
                help: "Final learning rate of the cosine schedule."),
            .init(
                section: "optimizer", name: "alrao_min_lr", type: .number(0...(.infinity)),
                defaultValue: .number(1e-5), help: "Alrao: the smallest learning rate η_min (must be positive)."),
            .init(
                section: "optimizer", name: "alrao_max_lr", type: .number(0...(.infinity)),
                defaultValue: .number(10),
                help: "Alrao: the largest learning rate η_max."),
            .init(
                section: "optimizer", name: "alrao_copies", type: .integer(1...1000), defaultValue: .integer(10),
                help: "Alrao: K, the number of output-layer copies (log-spaced rates from η_min to η_max)."),
            .init(
                section: "optimizer", name: "alrao_body", type: .choice(["sgd", "adam"]),
                defaultValue: .string("sgd"),
                help: "Alrao: the per-unit optimizer of the body and the copies' optimizer."),
            .init(
                section: "optimizer", name: "alrao_momentum", type: .number(0...0.999999), defaultValue: .number(0),
                help: "Alrao-SGD momentum (the authors' per-unit rule for the body); 0 is plain SGD."),
            .init(
                section: "optimizer", name: "gn_partition",
                type: .choice(["tensor", "layer", "trivial", "weights-biases", "groups"]),
                defaultValue: .string("layer"),
                help: "Grouped Newton: one learning rate per parameter tensor, per layer, for everything, for "
                    + "weights and biases, or per group of `gn_groups`."),
            .init(
                section: "optimizer", name: "gn_groups", type: .string, defaultValue: .string(""),
                help: "Grouped Newton with `gn_partition: groups`: tensor names, comma-separated within a group, "
                    + "groups separated by `;` (the tensors not named form one more group)."),
            .init(
                section: "optimizer", name: "gn_direction", type: .choice(["gradient", "momentum", "adam"]),
                defaultValue: .string("momentum"),
                help: "Grouped Newton: the direction u, the step of SGD, of SGD with momentum (`momentum`), or of "
                    + "Adam (`beta1`, `beta2`, `epsilon`) at learning rate 1."),
            .init(
                section: "optimizer", name: "gn_order", type: .integer(2...3), defaultValue: .integer(3),
                help: "Grouped Newton: 2 for η = H̄⁻¹ḡ, 3 for the cubic-regularized (anisotropic Nesterov) step."),
            .init(
                section: "optimizer", name: "gn_lambda", type: .number(0...(.infinity)), defaultValue: .number(1),
                help: "Grouped Newton: λ_int, the order-3 regularization strength."),
            .init(
                section: "optimizer", name: "gn_ridge", type: .number(0...(.infinity)), defaultValue: .number(0),
                help: "Grouped Newton, order 2: ridge added to H̄."),
            .init(
                section: "optimizer", name: "gn_damping", type: .number(0...(.infinity)),
                defaultValue: .number(0.1),
                help: "Grouped Newton: λ₁, the global factor on the rates."),
            .init(
                section: "optimizer", name: "gn_period", type: .integer(1...Int.max), defaultValue: .integer(10),
                help: "Grouped Newton: refresh the rates every N steps, on a separate batch."),
            .init(
                section: "optimizer", name: "gn_batch_size", type: .integer(0...Int.max), defaultValue: .integer(0),
                help: "Grouped Newton: samples of a refresh over all ranks (0: data.batch_size)."),
            .init(
                section: "optimizer", name: "gn_moving_average", type: .number(0...0.999999),
                defaultValue: .number(0), help: "Grouped Newton: r of the moving average of η across refreshes."),
            .init(
                section: "optimizer", name: "gn_remove_negative", type: .boolean, defaultValue: .boolean(true),
                help: "Grouped Newton: clip negative rates to 0."),
            .init(
                section: "optimizer", name: "gn_average_period", type: .integer(0...Int.max),
                defaultValue: .integer(0),
                help:
                    "Grouped Newton: uniform-average the tensors, renewing the average every N refreshes (0: off)."),
            .init(
                section: "optimizer", name: "gn_warmup", type: .integer(0...Int.max), defaultValue: .integer(0),
                help: "Grouped Newton with uniform averaging: refreshes before the parameters start moving."),
            .init(
                section: "optimizer", name: "gn_plateau_patience", type: .integer(0...Int.max),
                defaultValue: .integer(2),
                help: "Grouped Newton: epochs without a relative improvement of gn_plateau_threshold before the "
                    + "damping is multiplied by gn_plateau_factor."),
            .init(
                section: "optimizer", name: "gn_plateau_factor", type: .number(0...1), defaultValue: .number(0.5),
                help: "Grouped Newton: the damping's factor on a plateau (1: never reduce)."),
            .init(
                section: "optimizer", name: "gn_plateau_threshold", type: .number(0...1),
                defaultValue: .number(1e-4), help: "Grouped Newton: the relative improvement that counts."),
            .init(
                section: "optimizer", name: "ggn_damping", type: .number(0...(.infinity)), defaultValue: .number(1),
                help: "Gauss-Newton (general): the initial Levenberg–Marquardt damping λ of (G + λI)·d = −g."),
            .init(
                section: "optimizer", name: "ggn_cg_iterations", type: .integer(1...Int.max),
                defaultValue: .integer(10), help: "Gauss-Newton (general): the conjugate-gradient budget per step."),
            .init(
                section: "optimizer", name: "ggn_cg_tolerance", type: .number(0...1), defaultValue: .number(1e-3),
                help: "Gauss-Newton (general): stop CG when the residual is below this fraction of ‖g‖."),
            .init(
                section: "optimizer", name: "ggn_adapt_damping", type: .boolean, defaultValue: .boolean(true),
                help: "Gauss-Newton (general): adapt λ from the ratio of actual to predicted decrease."),
            .init(
                section: "optimizer", name: "vi_prior", type: .choice(["gaussian", "laplace", "means-decay"]),
                defaultValue: .string("gaussian"),
                help: "Variational inference: the prior of every weight, a product over layers. `means-decay` "
                    + "is not a prior: the penalty μ²/(2s²) in place of the KL, for comparison (docs/methods/variational.md)."
            ),
            .init(
                section: "optimizer", name: "vi_prior_variance", type: .number(0...(.infinity)),
                defaultValue: .number(0),
                help: "Variational inference: the prior's variance (Laplace: 2b²); 0 takes each layer's "
                    + "initialization variance (the paper's heuristic)."),
            .init(
                section: "optimizer", name: "vi_init_std", type: .number(0...(.infinity)),
                defaultValue: .number(0.01), help: "Variational inference: the posterior's initial σ."),
            .init(
                section: "optimizer", name: "vi_eval_samples", type: .integer(1...Int.max),
                defaultValue: .integer(10),
                help: "Variational inference: weight samples averaged by predictions (evaluation, `eval`)."),
            .init(
                section: "optimizer", name: "vi_optimizer", type: .choice(["adam", "sgd"]),
                defaultValue: .string("adam"),
                help: "Variational inference: the optimizer of (μ, ρ), at optimizer.lr with its own settings."),
        ])
}
