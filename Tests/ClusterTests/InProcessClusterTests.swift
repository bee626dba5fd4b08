import Cluster
import Testing

/// SplitMix64 (Steele, Lea, Flood 2014): each rank draws its contribution from (seed, rank), so every rank can
/// also compute every other rank's and the reference by hand.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64, stream: Int) { state = seed &+ UInt64(stream) &* 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [−1, 1).
    mutating func symmetric() -> Double { Double(next() >> 11) / Double(1 << 52) - 1 }
}

/// Rank `rank`'s contribution of `count` values: uniform in [−1, 1) with a rank-dependent scale, so that the
/// order of a floating-point sum matters in the last bits.
func contribution<F: BinaryFloatingPoint>(rank: Int, count: Int, round: Int = 0, as _: F.Type) -> [F] {
    var random = SplitMix64(seed: 42, stream: rank + 100 * round)
    let scale = Double(1 << (3 * rank))
    return (0..<count).map { _ in F(random.symmetric() * scale) }
}

/// The naive reference every rank computes on its own: `((x₀ ⊕ x₁) ⊕ x₂) ⊕ …` element by element.
func naive<F: BinaryFloatingPoint>(ranks: Int, count: Int, round: Int = 0, _ combine: (F, F) -> F) -> [F] {
    var result = contribution(rank: 0, count: count, round: round, as: F.self)
    for rank in 1..<max(1, ranks) {
        for (i, x) in contribution(rank: rank, count: count, round: round, as: F.self).enumerated() {
            result[i] = combine(result[i], x)
        }
    }
    return result
}

struct Failure: Error, CustomStringConvertible {
    var description: String { "a disk on fire" }
}

@Suite struct InProcessClusterTests {
    static let rankCounts = [1, 2, 3, 4]

    /// Every reduction, in both precisions, equals the naive fold in rank order bit for bit on every rank
    /// (the documented order); `average` is that sum divided by the world size.
    @Test(arguments: rankCounts, [ReductionOperation.sum, .average, .max, .min])
    func allReduceEqualsTheNaiveFoldInRankOrder(_ ranks: Int, _ operation: ReductionOperation) throws {
        func check<F: CollectiveElement & BinaryFloatingPoint>(_: F.Type) throws {
            let count = 1001
            let results = try InProcessCluster.run(ranks: ranks) { communicator in
                var values = contribution(rank: communicator.rank, count: count, as: F.self)
                try communicator.allReduce(&values, operation)
                let expected: [F] =
                    switch operation {
                    case .sum: naive(ranks: ranks, count: count, +)
                    case .average: naive(ranks: ranks, count: count, +).map { $0 / F(ranks) }
                    case .max: naive(ranks: ranks, count: count) { Swift.max($0, $1) }
                    case .min: naive(ranks: ranks, count: count) { Swift.min($0, $1) }
                    }
                return (values == expected, values.map { Double($0) })
            }
            #expect(results.allSatisfy { $0.0 }, "\(ranks) ranks, \(operation), \(F.self)")
            #expect(results.allSatisfy { $0.1 == results[0].1 }, "ranks differ")
        }
        try check(Float.self)
        try check(Double.self)
    }

    /// The sum depends on the order: with values of very different scales, another order changes some bits.
    /// (So the bit-for-bit comparisons above and below could fail.)
    @Test func theReferenceOrderMatters() {
        let count = 1001
        let forward: [Float] = naive(ranks: 4, count: count, +)
        var backward = contribution(rank: 3, count: count, as: Float.self)
        for rank in [2, 1, 0] {
            for (i, x) in contribution(rank: rank, count: count, as: Float.self).enumerated() { backward[i] += x }
        }
        #expect(forward != backward)
    }

    @Test(arguments: rankCounts)
    func integerSumsWrapAndExtremesAreExact(_ ranks: Int) throws {
        let results = try InProcessCluster.run(ranks: ranks) { communicator in
            let r = Int64(communicator.rank)
            var sum: [Int64] = [r + 1, Int64.max]
            try communicator.allReduce(&sum, .sum)
            var extremes: [Int32] = [Int32(3 * r), -Int32(r)]
            try communicator.allReduce(&extremes, .max)
            var small: [UInt8] = [UInt8(200 + r)]
            try communicator.allReduce(&small, .min)
            return [sum[0], sum[1], Int64(extremes[0]), Int64(extremes[1]), Int64(small[0])]
        }
        let n = Int64(ranks)
        let wrapped = (0..<ranks).reduce(Int64(0)) { total, _ in total &+ Int64.max }
        for result in results { #expect(result == [n * (n + 1) / 2, wrapped, 3 * (n - 1), 0, 200]) }
    }

    /// Several all-reduces in flight at once, tested and awaited in another order than started, each equal to
    /// its blocking counterpart.
    @Test(arguments: rankCounts)
    func nonBlockingAllReducesOverlap(_ ranks: Int) throws {
        let results = try InProcessCluster.run(ranks: ranks) { communicator in
            var a = contribution(rank: communicator.rank, count: 257, round: 0, as: Double.self)
            var b = contribution(rank: communicator.rank, count: 257, round: 1, as: Double.self)
            var c = contribution(rank: communicator.rank, count: 257, round: 2, as: Double.self)
            var reference = [a, b, c]
            for i in reference.indices { try communicator.allReduce(&reference[i], .sum) }
            var empty = [Double]()
            var done = [Bool]()
            try a.withUnsafeMutableBufferPointer { a in
                try b.withUnsafeMutableBufferPointer { b in
                    try c.withUnsafeMutableBufferPointer { c in
                        try empty.withUnsafeMutableBufferPointer { e in
                            let pending = [
                                try communicator.startAllReduce(a, .sum), try communicator.startAllReduce(e, .sum),
                                try communicator.startAllReduce(b, .sum), try communicator.startAllReduce(c, .average),
                            ]
                            done = try pending.map { try $0.test() }
                            for collective in pending.reversed() { try collective.wait() }
                            try pending[0].wait()  // a second wait does nothing
                        }
                    }
                }
            }
            let expected = (0..<3).map { naive(ranks: ranks, count: 257, round: $0, +) as [Double] }
            return a == expected[0] && b == expected[1] && c == expected[2].map { $0 / Double(ranks) }
                && reference == expected && done[1]
        }
        #expect(results.allSatisfy { $0 })
    }

    @Test(arguments: rankCounts)
    func broadcastGatherAndBarrier(_ ranks: Int) throws {
        let results = try InProcessCluster.run(ranks: ranks) { communicator in
            var ok = true
            func broadcast<F: CollectiveElement & BinaryFloatingPoint>(from root: Int, _: F.Type) throws -> Bool {
                var values =
                    communicator.rank == root
                    ? contribution(rank: root, count: 65, as: F.self) : [F](repeating: 0, count: 65)
                try communicator.broadcast(&values, root: root)
                return values == contribution(rank: root, count: 65, as: F.self)
            }
            for root in 0..<ranks {
                ok = try ok && broadcast(from: root, Float.self) && broadcast(from: root, Double.self)
                let record = [UInt8](repeating: UInt8(communicator.rank), count: communicator.rank)
                let gathered = try communicator.gather(record, root: root)
                let expected = (0..<ranks).map { [UInt8](repeating: UInt8($0), count: $0) }
                ok = ok && gathered == (communicator.rank == root ? expected : [])
                try communicator.barrier()
            }
            return ok && communicator.size == ranks && communicator.hostName == "in-process-0"
        }
        #expect(results == [Bool](repeating: true, count: ranks))
    }

    /// The shared sum equals the naive sum in rank order bit for bit (what `HostSharedSum` computes on one
    /// host, with the same kernel), on every rank, over two rounds reusing the block; with one rank there is
    /// none, as with MPI.
    @Test(arguments: rankCounts)
    func sharedSumIsTheNaiveSumInRankOrder(_ ranks: Int) throws {
        func check<F: CollectiveElement & BinaryFloatingPoint>(_: F.Type) throws {
            let count = 1003  // not a multiple of the 64-byte chunks
            let results = try InProcessCluster.run(ranks: ranks) { communicator -> [Bool] in
                guard let shared = try communicator.sharedSum(count: count, of: F.self) else { return [] }
                let again = try communicator.sharedSum(count: count, of: F.self)
                var ok = [again === shared]
                for round in 0..<2 {
                    _ = shared.contribution.update(
                        fromContentsOf: contribution(rank: communicator.rank, count: count, round: round, as: F.self))
                    let sum = Array(try shared.reduce())
                    ok.append(sum == naive(ranks: ranks, count: count, round: round, +))
                }
                return ok
            }
            if ranks == 1 {
                #expect(results == [[]])
            } else {
                #expect(results.allSatisfy { $0 == [true, true, true] }, "\(ranks) ranks, \(F.self)")
            }
        }
        try check(Float.self)
        try check(Double.self)
    }

    /// Two hosts of two ranks: each host sums its ranks' slots in order, then the host sums are added in host
    /// order: `(x₀ + x₁) + (x₂ + x₃)`, the same bits on all four ranks. Unequal hosts get no shared sum.
    @Test func sharedSumAcrossHostsAddsTheHostSumsInHostOrder() throws {
        let count = 517
        let results = try InProcessCluster.run(ranks: 4, ranksPerHost: 2) { communicator -> [Double] in
            guard let shared = try communicator.sharedSum(count: count, of: Double.self) else { return [] }
            _ = shared.contribution.update(
                fromContentsOf: contribution(rank: communicator.rank, count: count, as: Double.self))
            return Array(try shared.reduce())
        }
        let x = (0..<4).map { contribution(rank: $0, count: count, as: Double.self) }
        let expected = (0..<count).map { i in (x[0][i] + x[1][i]) + (x[2][i] + x[3][i]) }
        #expect(results.allSatisfy { $0 == expected })
        let hosts = try InProcessCluster.run(ranks: 4, ranksPerHost: 2) { $0.hostName }
        #expect(hosts == ["in-process-0", "in-process-0", "in-process-1", "in-process-1"])
        let unequal = try InProcessCluster.run(ranks: 3, ranksPerHost: 2) { communicator in
            try communicator.sharedSum(count: count, of: Double.self) == nil
        }
        #expect(unequal == [true, true, true])
    }

    /// Rank 1 throws in its body: the collectives the others are in (or start later) throw an error naming
    /// rank 1 and its step, instead of waiting forever; `run` rethrows rank 1's own error.
    @Test(arguments: [2, 3, 4])
    func aFailedRankFailsTheOthersCollectives(_ ranks: Int) throws {
        let outcomes = InProcessCluster.outcomes(ranks: ranks) { communicator in
            communicator.beginStep(7)
            if communicator.rank == 1 { throw Failure() }
            var values = [1.0, 2.0]
            try communicator.allReduce(&values, .sum)
            return values
        }
        for (rank, outcome) in outcomes.enumerated() {
            guard case .failure(let error) = outcome else {
                Issue.record("rank \(rank) did not fail")
                continue
            }
            if rank == 1 {
                #expect(error is Failure)
            } else {
                let failure = try #require(error as? InProcessClusterError)
                #expect(failure.failedRank == 1)
                #expect(
                    failure.description
                        == "rank \(rank): allreduce(sum, 2 float64) cannot complete: rank 1 failed at step 7: "
                        + "a disk on fire")
            }
        }
        #expect(throws: Failure.self) {
            _ = try InProcessCluster.run(ranks: ranks) { communicator in
                if communicator.rank == 1 { throw Failure() }
                try communicator.barrier()
            }
        }
    }

    /// Ranks that call different collectives all throw, listing each rank's call.
    @Test func mismatchedCollectivesFailEveryRank() {
        let outcomes = InProcessCluster.outcomes(ranks: 2) { communicator in
            var values = [1.0]
            if communicator.rank == 0 {
                try communicator.allReduce(&values, .sum)
            } else {
                try communicator.broadcast(&values, root: 0)
            }
        }
        for outcome in outcomes {
            guard case .failure(let error as InProcessClusterError) = outcome else {
                Issue.record("expected an InProcessClusterError, got \(outcome)")
                continue
            }
            #expect(
                error.cause
                    == .mismatch(
                        sequence: 0, calls: ["allreduce(sum, 1 float64)", "broadcast(1 float64 from rank 0)"]))
        }
    }

    /// A rank that returns while the others wait for it in a collective ends that collective with an error.
    @Test func aRankThatReturnsEarlyFailsTheCollectiveItSkipped() {
        let outcomes = InProcessCluster.outcomes(ranks: 3) { communicator in
            try communicator.barrier()
            if communicator.rank == 2 { return }
            try communicator.barrier()
        }
        guard case .success = outcomes[2] else {
            Issue.record("rank 2 returned normally")
            return
        }
        for outcome in outcomes.prefix(2) {
            guard case .failure(let error as InProcessClusterError) = outcome else {
                Issue.record("expected an InProcessClusterError, got \(outcome)")
                continue
            }
            #expect(error.cause == .rankReturned(rank: 2, sequence: 1))
        }
    }
}
