public import Cluster
import Foundation
import Tensors

/// A self-test of the collectives training relies on, run by every rank of a job (`partita
/// check-collectives`): each check compares the communicator's result with a reference every rank computes
/// on its own, and with the result on every other rank.
///
/// Every rank's contribution is drawn from `(seed, rank)`, so each rank can also compute all the others'
/// and the sum by hand:
///
/// - the gradient sum (`SharedSum`, when the placement has one) must equal, bit for bit, the naive sum
///   `((x₀ + x₁) + x₂) + …` in host-local rank order when the job runs on one host (the documented order),
///   and be within `tolerance` of a Double-precision sum across hosts; two rounds with different
///   contributions check that the shared buffers are reused safely;
/// - `allReduce` (sum of Float and Double, max of Int64) must be within `tolerance` of the reference;
/// - `broadcast` must deliver rank 0's values exactly, `gather` every rank's record exactly;
/// - every result must hash to the same value on every rank.
public enum CollectiveCheck {
    public struct Outcome: Sendable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    /// Runs every check; only rank 0's outcomes are complete (it gathers the other ranks' hashes).
    public static func run(communicator: any Communicator, count: Int, seed: UInt64 = 7) throws -> [Outcome] {
        var outcomes = [Outcome]()
        let ranks = communicator.size
        func contribution<F: BinaryFloatingPoint>(_ rank: Int, round: Int, as _: F.Type) -> [F] {
            var random = RandomStream(seed: seed, key: StreamKey.testing.with(index: rank + 1000 * round))
            return (0..<count).map { _ in F(random.normal()) }
        }
        func reference(round: Int) -> [Double] {
            var sum = [Double](repeating: 0, count: count)
            for rank in 0..<ranks {
                for (i, x) in contribution(rank, round: round, as: Double.self).enumerated() { sum[i] += x }
            }
            return sum
        }
        func relativeError<F: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<F>, _ expected: [Double]) -> Double {
            var worst = 0.0
            var scale = 0.0
            for i in 0..<count {
                worst = max(worst, abs(Double(values[i]) - expected[i]))
                scale = max(scale, abs(expected[i]))
            }
            return worst / max(scale, .leastNormalMagnitude)
        }
        func sameEverywhere(_ bytes: UnsafeRawBufferPointer) throws -> Bool {
            let hash = FNV1a.hash(Array(bytes))
            let all = try communicator.gather(withUnsafeBytes(of: hash.littleEndian) { Array($0) }, root: 0)
            return communicator.rank != 0 || Set(all).count == 1
        }

        // The shared-memory sum, in both precisions, over two rounds.
        func checkSharedSum<F: CollectiveElement & BinaryFloatingPoint>(_: F.Type, tolerance: Double) throws {
            let label = "shared-memory sum (\(F.collectiveType))"
            guard let shared = try communicator.sharedSum(count: count, of: F.self) else {
                outcomes.append(
                    Outcome(
                        name: label, passed: true,
                        detail: "not used: the hosts do not all run the same number (≥ 2) of ranks"))
                return
            }
            for round in 0..<2 {
                _ = shared.contribution.update(
                    fromContentsOf: contribution(communicator.rank, round: round, as: F.self))
                let sum = try shared.reduce()
                let expected = reference(round: round)
                let error = relativeError(sum, expected)
                var passed = error <= tolerance
                var detail = String(
                    format: "round %d: relative error %.2e (tolerance %.0e)", round + 1, error, tolerance)
                if try communicator.isSingleHost() {
                    // One host: the documented order, so exactly the naive sum.
                    var naive = contribution(0, round: round, as: F.self)
                    for rank in 1..<max(1, ranks) {
                        for (i, x) in contribution(rank, round: round, as: F.self).enumerated() { naive[i] += x }
                    }
                    let exact = naive.withUnsafeBufferPointer { n in (0..<count).allSatisfy { n[$0] == sum[$0] } }
                    passed = passed && exact
                    detail += exact ? ", bit-identical to the naive sum" : ", DIFFERS from the naive sum in rank order"
                }
                let identical = try sameEverywhere(UnsafeRawBufferPointer(sum))
                passed = passed && identical
                if !identical { detail += ", DIFFERS between ranks" }
                outcomes.append(Outcome(name: label, passed: passed, detail: detail))
            }
        }
        try checkSharedSum(Float.self, tolerance: 1e-5)
        try checkSharedSum(Double.self, tolerance: 1e-13)

        func checkAllReduce<F: CollectiveElement & BinaryFloatingPoint>(_: F.Type, tolerance: Double) throws {
            var values = contribution(communicator.rank, round: 0, as: F.self)
            try communicator.allReduce(&values, .sum)
            let error = values.withUnsafeBufferPointer { relativeError($0, reference(round: 0)) }
            let identical = try values.withUnsafeBytes { try sameEverywhere($0) }
            outcomes.append(
                Outcome(
                    name: "allReduce sum (\(F.collectiveType))", passed: error <= tolerance && identical,
                    detail: String(format: "relative error %.2e (tolerance %.0e)", error, tolerance)
                        + (identical ? "" : ", DIFFERS between ranks")))
        }
        try checkAllReduce(Float.self, tolerance: 1e-5)
        try checkAllReduce(Double.self, tolerance: 1e-13)

        var maximum = [Int64(communicator.rank * 3), -Int64(communicator.rank)]
        try communicator.allReduce(&maximum, .max)
        outcomes.append(
            Outcome(
                name: "allReduce max (int64)", passed: maximum == [Int64(3 * (ranks - 1)), 0],
                detail: "\(maximum) against [\(3 * (ranks - 1)), 0]"))

        var broadcast =
            communicator.rank == 0 ? contribution(0, round: 2, as: Double.self) : [Double](repeating: 0, count: count)
        try communicator.broadcast(&broadcast, root: 0)
        outcomes.append(
            Outcome(
                name: "broadcast (float64)", passed: broadcast == contribution(0, round: 2, as: Double.self),
                detail: "\(count) values from rank 0"))

        let records = try communicator.gather(Array("rank \(communicator.rank)".utf8), root: 0)
        if communicator.rank == 0 {
            let expected = (0..<ranks).map { Array("rank \($0)".utf8) }
            outcomes.append(Outcome(name: "gather", passed: records == expected, detail: "\(records.count) records"))
        }
        return outcomes
    }
}

extension Communicator {
    /// Whether every rank runs on the same host (by host name).
    func isSingleHost() throws -> Bool {
        let names = try gather(Array(hostName.utf8), root: 0)
        var flag = [Int64(rank == 0 && Set(names).count == 1 ? 1 : 0)]
        try broadcast(&flag, root: 0)
        return flag[0] == 1
    }
}
