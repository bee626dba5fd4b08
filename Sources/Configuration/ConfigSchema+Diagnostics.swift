extension ConfigSchema {
    /// The `diagnostics` section: Gaussianity measurements of the pre-activations during training.
    static let diagnosticsSection = Section(
        name: "diagnostics", help: "Measurements taken during training (rank 0 writes them to the run directory).",
        keys: [
            .init(
                section: "diagnostics", name: "gaussianity_every", type: .integer(0...Int.max),
                defaultValue: .integer(0),
                help: "Measure the Gaussianity of every layer's pre-activations on the probe batch at step 0 and "
                    + "every N steps (0: never); see gaussianity.jsonl in docs/run-directory.md."),
            .init(
                section: "diagnostics", name: "probe_size", type: .integer(3...Int.max), defaultValue: .integer(512),
                help: "Rows of the fixed probe batch, drawn once from the training rows (all of them if fewer); "
                    + "the ranks share them and the moments are all-reduced over all of them."),
            .init(
                section: "diagnostics", name: "subsample", type: .integer(3...Int.max), defaultValue: .integer(2000),
                help: "Pre-activation values per layer gathered at rank 0 for the KS, Anderson-Darling and "
                    + "Shapiro-Wilk tests (a fixed random choice; Shapiro-Wilk needs at most 5000)."),
        ])
}
