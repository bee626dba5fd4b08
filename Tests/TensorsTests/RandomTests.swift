import Foundation
import Tensors
import TestSupport
import Testing

@Suite struct RandomTests {
    /// Random123's published known-answer vectors for Philox4x32-10 (its `kat_vectors` file).
    @Test func philoxKnownAnswers() {
        let zero = Philox4x32.block(counter: (0, 0, 0, 0), key: (0, 0))
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = Philox4x32.block(
            counter: (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), key: (0xffff_ffff, 0xffff_ffff))
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        let pi = Philox4x32.block(
            counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0))
        #expect([pi.0, pi.1, pi.2, pi.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    @Test func streamIsCounterBased() {
        var a = RandomStream(seed: 7, stream: 3)
        let first = (0..<10).map { _ in a.next32() }
        // Jumping straight to position 6 gives the same words as drawing through.
        var b = RandomStream(seed: 7, stream: 3, position: 6)
        #expect((0..<4).map { _ in b.next32() } == Array(first[6..<10]))
        // Other streams and seeds differ.
        var c = RandomStream(seed: 7, stream: 4)
        var d = RandomStream(seed: 8, stream: 3)
        #expect((0..<10).map { _ in c.next32() } != first)
        #expect((0..<10).map { _ in d.next32() } != first)
    }

    /// Sample moments against closed forms. With n = 200 000 the standard error of a mean of a unit-variance
    /// law is 0.0022; the tolerances are about 5 standard errors.
    @Test func samplerMoments() {
        let n = 200_000
        var stream = RandomStream(seed: 1, stream: 1)
        func moments(_ sample: (inout RandomStream) -> Double) -> (mean: Double, variance: Double) {
            var sum = 0.0
            var sumSquares = 0.0
            for _ in 0..<n {
                let x = sample(&stream)
                sum += x
                sumSquares += x * x
            }
            let mean = sum / Double(n)
            return (mean, sumSquares / Double(n) - mean * mean)
        }
        let normal = moments { $0.normal() }
        #expect(abs(normal.mean) < 0.011 && abs(normal.variance - 1) < 0.016)

        let uniform = moments { $0.uniform() }
        #expect(abs(uniform.mean - 0.5) < 0.004 && abs(uniform.variance - 1.0 / 12) < 0.002)

        // log-uniform on (1e-3, 1e1): ln X is uniform on (ln 1e-3, ln 10).
        let logUniform = moments { Foundation.log($0.logUniform(1e-3, 10)) }
        let (lo, hi) = (Foundation.log(1e-3), Foundation.log(10.0))
        #expect(abs(logUniform.mean - (lo + hi) / 2) < 0.02)
        #expect(abs(logUniform.variance - (hi - lo) * (hi - lo) / 12) < 0.1)

        // Symmetric Weibull(θ, s): mean 0 and E[W²] = s²·Γ(1 + 2/θ).
        for theta in [2.5, 3.0, 10.0] {
            let weibull = moments { $0.symmetricWeibull(shape: theta, scale: 1.5) }
            #expect(abs(weibull.mean) < 0.02)
            #expect(Tolerance.relativeError(weibull.variance, 2.25 * tgamma(1 + 2 / theta)) < 0.02)
        }
    }

    @Test func permutationIsAPermutationAndUnbiased() {
        var stream = RandomStream(seed: 3, stream: 0)
        let p = stream.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        // Each of 5 positions receives each of 5 values with probability 1/5: chi-square over 25 cells.
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 5)
        let trials = 20_000
        for _ in 0..<trials {
            for (position, value) in stream.permutation(5).enumerated() { counts[position][value] += 1 }
        }
        let expected = Double(trials) / 5
        let chiSquare = counts.joined().reduce(0.0) {
            $0 + (Double($1) - expected) * (Double($1) - expected) / expected
        }
        // 20 degrees of freedom (rows and columns both sum to fixed totals): the 0.1% critical value is 45.3.
        #expect(chiSquare < 45.3)
    }
}
