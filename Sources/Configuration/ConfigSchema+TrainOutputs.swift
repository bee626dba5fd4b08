extension ConfigSchema {
    /// The `train` keys of what a run writes besides metrics and checkpoints, and when it stops.
    static let trainOutputKeys: [ConfigKey] = [
        .init(
            section: "train", name: "tensorboard", type: .boolean, defaultValue: .boolean(true),
            help: "Mirror every metric, each rank's step time, parameter histograms at every evaluation, the "
                + "Gaussianity probe and the config into TensorBoard event files in `tensorboard/` "
                + "(`tensorboard --logdir runs/`)."),
        .init(
            section: "train", name: "keep_best", type: .string, defaultValue: .string(""),
            help: "Keep the checkpoint of the best evaluation in `checkpoints/best`, never deleted by "
                + "`keep_checkpoints`: `validation.accuracy:max` or `validation.loss:min` (empty: off)."),
        .init(
            section: "train", name: "early_stopping.metric", type: .string, defaultValue: .string(""),
            help: "Stop when this metric (`validation.loss:min`, `validation.accuracy:max`) has not improved by "
                + "`min_delta` for `patience` evaluations; run.json records why the run ended (empty: off)."),
        .init(
            section: "train", name: "early_stopping.patience", type: .integer(1...Int.max), defaultValue: .integer(5),
            help: "Evaluations without improvement after which early stopping ends the run."),
        .init(
            section: "train", name: "early_stopping.min_delta", type: .number(0...(.infinity)),
            defaultValue: .number(0),
            help: "The least change of the metric that counts as an improvement."),
    ]
}
