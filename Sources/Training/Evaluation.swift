public import Cluster
public import Datasets
public import Methods
public import Networks
public import Tensors

/// Loss and accuracy of a model on a set of rows, sharded across ranks.
public enum Evaluation {
    /// Rows are split strided (`rows[rank], rows[rank + size], ...`), evaluated in chunks of `chunk`, and
    /// the sums of loss, correct predictions and counts are all-reduced, so every rank returns the same
    /// global summary.
    public static func evaluate<Scalar: TrainingScalar>(
        method: any TrainingMethod<Scalar>, data: PreparedData, dataset: Dataset, rows: [Int],
        communicator: any Communicator, chunk: Int = 512
    ) throws -> LossSummary {
        var calibration: Calibration? = nil
        return try evaluate(
            method: method, data: data, dataset: dataset, rows: rows, communicator: communicator, chunk: chunk,
            calibration: &calibration)
    }

    /// The same, also filling `calibration` when it is given (for classification targets) from the same
    /// forward passes (`TrainingMethod.evaluate(inputs:targets:withProbabilities:)`): its bins are summed over
    /// ranks, and it is set to nil when the method provides no class probabilities.
    public static func evaluate<Scalar: TrainingScalar>(
        method: any TrainingMethod<Scalar>, data: PreparedData, dataset: Dataset, rows: [Int],
        communicator: any Communicator, chunk: Int = 512, calibration: inout Calibration?
    ) throws -> LossSummary {
        let mine = stride(from: communicator.rank, to: rows.count, by: communicator.size).map { rows[$0] }
        var summary = LossSummary()
        var measured = calibration != nil
        var start = 0
        while start < mine.count {
            let part = Array(mine[start..<min(start + chunk, mine.count)])
            let (inputs, targets) = data.batch(dataset, rows: part, as: Scalar.self)
            let evaluated = method.evaluate(inputs: inputs, targets: targets, withProbabilities: measured)
            summary = summary + evaluated.summary
            if measured {
                if let probabilities = evaluated.probabilities, case .classes(let labels) = targets {
                    calibration!.add(probabilities: probabilities, labels: labels)
                } else {
                    measured = false
                }
            }
            start += chunk
        }
        if calibration != nil {
            try calibration!.allReduce(communicator)
            if !measured { calibration = nil }
        }
        var totals = [summary.lossSum, Double(summary.correct), Double(summary.count)]
        try communicator.allReduce(&totals, .sum)
        return LossSummary(lossSum: totals[0], correct: Int(totals[1]), count: Int(totals[2]))
    }
}

extension Evaluation {
    /// The same for a plain network and its loss.
    public static func evaluate<Scalar: BLASScalar>(
        model: MLP<Scalar>, loss: Loss, data: PreparedData, dataset: Dataset, rows: [Int],
        communicator: any Communicator, chunk: Int = 512
    ) throws -> LossSummary {
        let mine = stride(from: communicator.rank, to: rows.count, by: communicator.size).map { rows[$0] }
        var summary = LossSummary()
        var pass = ForwardPass<Scalar>()
        var start = 0
        while start < mine.count {
            let part = Array(mine[start..<min(start + chunk, mine.count)])
            let (inputs, targets) = data.batch(dataset, rows: part, as: Scalar.self)
            model.forward(inputs, into: &pass)
            summary = summary + loss.evaluate(outputs: pass.output, targets: targets)
            start += chunk
        }
        var totals = [summary.lossSum, Double(summary.correct), Double(summary.count)]
        try communicator.allReduce(&totals, .sum)
        return LossSummary(lossSum: totals[0], correct: Int(totals[1]), count: Int(totals[2]))
    }
}

/// Checks that all ranks hold the same value of something (a config hash, a data shape, the parameters).
public enum Agreement {
    /// Broadcasts rank 0's `fingerprint`; returns, on every rank, the ranks whose fingerprint differs.
    public static func ranksDiffering(from fingerprint: UInt64, communicator: any Communicator) throws -> [Int] {
        guard communicator.size > 1 else { return [] }
        var reference = [fingerprint]
        try communicator.broadcast(&reference, root: 0)
        var flags = [Int64](repeating: 0, count: communicator.size)
        flags[communicator.rank] = reference[0] == fingerprint ? 0 : 1
        try communicator.allReduce(&flags, .sum)
        return flags.indices.filter { flags[$0] != 0 }
    }
}
