import Testing

@testable import Datasets

/// Train/validation splits and the per-rank epoch schedule.
@Suite struct ScheduleTests {
    @Test func trainValidationSplitPartitionsTheRows() throws {
        let (train, validation) = try DataSplit.trainValidation(count: 1797, validationFraction: 0.2, seed: 1)
        #expect(validation.count == 359 && train.count == 1438)  // 1797·0.2 = 359.4
        #expect(train == train.sorted() && validation == validation.sorted())
        #expect(Set(train).isDisjoint(with: validation) && Set(train + validation) == Set(0..<1797))
        let again = try DataSplit.trainValidation(count: 1797, validationFraction: 0.2, seed: 1)
        let other = try DataSplit.trainValidation(count: 1797, validationFraction: 0.2, seed: 2)
        #expect(again.validation == validation && other.validation != validation)
        #expect(try DataSplit.trainValidation(count: 10, validationFraction: 0.25, seed: 1).validation.count == 3)
        #expect(try DataSplit.trainValidation(count: 10, validationFraction: 0, seed: 1).train == Array(0..<10))
        #expect(try DataSplit.trainValidation(count: 1, validationFraction: 0.9, seed: 1).train == [0])
        #expect(
            Fixtures.errorDescription { _ = try DataSplit.trainValidation(count: 10, validationFraction: 1, seed: 1) }
                == "validation fraction: 1.0 is outside [0, 1); use e.g. 0.2 to hold out a fifth, or 0 for none")
    }

    /// For every step, the ranks' shares are disjoint and their union is the global batch, which is what one
    /// rank with the whole batch takes.
    @Test(arguments: [(1000, 96, 4), (100, 10, 2), (64, 64, 8), (7, 3, 1)])
    func ranksShareEachGlobalBatch(sampleCount: Int, globalBatch: Int, worldSize: Int) throws {
        let schedules = try (0..<worldSize).map { _ in
            try EpochSchedule(sampleCount: sampleCount, globalBatch: globalBatch, worldSize: worldSize, seed: 42)
        }
        let single = try EpochSchedule(sampleCount: sampleCount, globalBatch: globalBatch, worldSize: 1, seed: 42)
        #expect(Set(schedules.map(\.stepsPerEpoch)) == [sampleCount / globalBatch])
        for epoch in 0..<3 {
            let permutation = schedules[0].permutation(epoch: epoch)
            #expect(permutation.sorted() == Array(0..<sampleCount))
            var seen = Set<Int>()
            for step in 0..<schedules[0].stepsPerEpoch {
                let shares = (0..<worldSize).map {
                    schedules[$0].localPositions(permutation: permutation, step: step, rank: $0)
                }
                #expect(shares.allSatisfy { $0.count == globalBatch / worldSize })
                let union = shares.flatMap { $0 }
                #expect(Set(union).count == globalBatch)  // disjoint
                let global = single.localPositions(epoch: epoch, step: step, rank: 0)
                #expect(Set(union) == Set(global))
                #expect(global == schedules[0].globalPositions(permutation: permutation, step: step))
                #expect(
                    shares[worldSize - 1]
                        == schedules[worldSize - 1].localPositions(epoch: epoch, step: step, rank: worldSize - 1))
                #expect(seen.isDisjoint(with: union))
                seen.formUnion(union)
            }
            #expect(seen.count == sampleCount / globalBatch * globalBatch)
        }
    }

    @Test func epochsAndSeedsGiveDifferentPermutations() throws {
        let schedule = try EpochSchedule(sampleCount: 500, globalBatch: 50, worldSize: 2, seed: 9)
        let same = try EpochSchedule(sampleCount: 500, globalBatch: 50, worldSize: 2, seed: 9)
        let other = try EpochSchedule(sampleCount: 500, globalBatch: 50, worldSize: 2, seed: 10)
        #expect(schedule.permutation(epoch: 0) != schedule.permutation(epoch: 1))
        #expect(schedule.permutation(epoch: 3) == same.permutation(epoch: 3))
        #expect(schedule.permutation(epoch: 0) != other.permutation(epoch: 0))
    }

    @Test func badBatchSizesAreConfigErrors() {
        #expect(
            Fixtures.errorDescription {
                _ = try EpochSchedule(sampleCount: 1000, globalBatch: 100, worldSize: 3, seed: 0)
            }
                == "batch size: global batch 100 is not a multiple of the world size 3; each rank takes an equal "
                + "share, so use e.g. 99 or 102")
        #expect(
            Fixtures.errorDescription { _ = try EpochSchedule(sampleCount: 10, globalBatch: 0, worldSize: 1, seed: 0) }
                == "batch size: 0; it must be positive")
        #expect(
            Fixtures.errorDescription {
                _ = try EpochSchedule(sampleCount: 90, globalBatch: 128, worldSize: 4, seed: 0)
            }
                == "batch size: global batch 128 is larger than the 90 training samples; use at most 88")
    }
}
