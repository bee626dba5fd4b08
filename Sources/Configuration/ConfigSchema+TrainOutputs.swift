extension ConfigSchema {
    /// The `train` keys of what a run writes besides metrics and checkpoints.
    static let trainOutputKeys: [ConfigKey] = [
        .init(
            section: "train", name: "tensorboard", type: .boolean, defaultValue: .boolean(true),
            help: "Mirror every metric, each rank's step time, parameter histograms at every evaluation, the "
                + "Gaussianity probe and the config into TensorBoard event files in `tensorboard/` "
                + "(`tensorboard --logdir runs/`).")
    ]
}
