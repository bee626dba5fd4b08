import Tensors

/// Which training samples each rank uses at each step of each epoch, identical on every rank.
///
/// An epoch is a permutation `p` of the `sampleCount` training positions, drawn from
/// `RandomStream(seed:key: .dataShuffle.with(index: epoch))`, cut into `stepsPerEpoch = sampleCount / B`
/// global batches of `B = globalBatch` positions; the incomplete last batch is dropped, so every rank takes
/// the same number of steps. Global batch `s` is `p[s·B ..< (s+1)·B]`, and rank `r` of `W` takes the strided
/// share `p[s·B + r + k·W]` for `k` in `0..<B/W`. The union over ranks is exactly the global batch one rank
/// with batch `B` would take, so a run's samples per step do not depend on the world size.
///
/// Positions index the list of training rows (e.g. `DataSplit`'s `train`), not the data set itself:
/// `trainRows[position]` is the row to gather.
public struct EpochSchedule: Sendable, Equatable {
    /// The number of training samples.
    public let sampleCount: Int
    /// Samples per step, over all ranks (`B`).
    public let globalBatch: Int
    /// The number of ranks (`W`).
    public let worldSize: Int
    /// The run's seed.
    public let seed: UInt64

    /// Checks the batch against the sample count and world size. Throws `DataError.invalidSetting` (shown to
    /// the user as a config error) unless `0 < globalBatch ≤ sampleCount` and `worldSize` divides
    /// `globalBatch`.
    public init(sampleCount: Int, globalBatch: Int, worldSize: Int, seed: UInt64) throws {
        precondition(worldSize >= 1, "EpochSchedule: world size \(worldSize)")
        precondition(sampleCount >= 0, "EpochSchedule: sample count \(sampleCount)")
        guard globalBatch > 0 else {
            throw DataError.invalidSetting(name: "batch size", problem: "\(globalBatch); it must be positive")
        }
        guard globalBatch % worldSize == 0 else {
            let lower = globalBatch / worldSize * worldSize
            let higher = lower + worldSize
            let suggestion = lower > 0 ? "\(lower) or \(higher)" : "\(higher)"
            throw DataError.invalidSetting(
                name: "batch size",
                problem: "global batch \(globalBatch) is not a multiple of the world size \(worldSize); each rank "
                    + "takes an equal share, so use e.g. \(suggestion)")
        }
        guard globalBatch <= sampleCount else {
            let largest = sampleCount / worldSize * worldSize
            let advice =
                largest > 0
                ? "use at most \(largest)"
                : "there are fewer training samples than the \(worldSize) ranks; use more data or fewer ranks"
            throw DataError.invalidSetting(
                name: "batch size",
                problem: "global batch \(globalBatch) is larger than the \(sampleCount) training samples; \(advice)")
        }
        self.sampleCount = sampleCount
        self.globalBatch = globalBatch
        self.worldSize = worldSize
        self.seed = seed
    }

    /// Samples per step on each rank, `B/W`.
    public var localBatch: Int { globalBatch / worldSize }

    /// Steps per epoch, `⌊sampleCount / B⌋`, the same on every rank.
    public var stepsPerEpoch: Int { sampleCount / globalBatch }

    /// The epoch's permutation of `0..<sampleCount`.
    public func permutation(epoch: Int) -> [Int] {
        var stream = RandomStream(seed: seed, key: .dataShuffle.with(index: epoch))
        return stream.permutation(sampleCount)
    }

    /// The positions of global batch `step` of `epoch`, `p[s·B ..< (s+1)·B]`, in permutation order.
    public func globalPositions(permutation: [Int], step: Int) -> [Int] {
        checkStep(permutation: permutation, step: step)
        return Array(permutation[(step * globalBatch)..<((step + 1) * globalBatch)])
    }

    /// Rank `rank`'s positions at `step` of `epoch`; computes the epoch's permutation, so a training loop
    /// should compute it once per epoch and call `localPositions(permutation:step:rank:)`.
    public func localPositions(epoch: Int, step: Int, rank: Int) -> [Int] {
        localPositions(permutation: permutation(epoch: epoch), step: step, rank: rank)
    }

    /// Rank `rank`'s `B/W` positions at `step`: `permutation[step·B + rank + k·W]` for `k` in `0..<B/W`.
    public func localPositions(permutation: [Int], step: Int, rank: Int) -> [Int] {
        checkStep(permutation: permutation, step: step)
        precondition((0..<worldSize).contains(rank), "localPositions: rank \(rank) outside 0..<\(worldSize)")
        let start = step * globalBatch + rank
        return (0..<localBatch).map { permutation[start + $0 * worldSize] }
    }

    private func checkStep(permutation: [Int], step: Int) {
        precondition(
            permutation.count == sampleCount,
            "EpochSchedule: permutation has \(permutation.count) entries, the schedule \(sampleCount) samples")
        precondition((0..<stepsPerEpoch).contains(step), "EpochSchedule: step \(step) outside 0..<\(stepsPerEpoch)")
    }
}
