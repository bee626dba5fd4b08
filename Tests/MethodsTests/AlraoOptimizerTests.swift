import Foundation
import Methods
import Optimizers
import Tensors
import Testing

/// Alrao-SGD with momentum, weight decay and dampening against the scalar recurrence of its documentation,
/// written per element: the same operations in the same order, so the results must be bit-identical.
@Suite struct AlraoOptimizerTests {
    static let bodyRates: [Double] = [0.01, 0.1, 0.5, 1, 2, 0.001]  // √2 > 1/m: the clamp is reached
    static let copyRanges = [6..<8, 8..<10]
    static let copyRates = [0.05, 0.3]

    static func gradient<S: BLASScalar>(_ t: Int, as: S.Type) -> [S] {
        (0..<10).map { S(sin(1 + Double($0) + 0.7 * Double(t))) }
    }

    func check<S: BLASScalar>(_ type: S.Type, momentum: Double) throws {
        let (m, decay, keep) = (S(momentum), S(0.01), S(1 - 0.2))
        let rates = Self.bodyRates.map { S($0) }
        var optimizer = try AlraoOptimizer<S>(
            kind: .sgd, bodyRange: 0..<6, bodyRates: rates, copyRanges: Self.copyRanges, copyRates: Self.copyRates,
            momentum: momentum, dampening: 0.2, weightDecay: 0.01)
        var theta: [S] = (0..<10).map { S(0.3 * Double($0) - 1) }
        var expected = theta
        var b = [S](repeating: 0, count: 10)
        var copySteps = [0, 0]
        for t in 0..<5 {
            let g = Self.gradient(t, as: S.self)
            let skipped: Set<Int> = t == 1 ? [1] : []
            optimizer.step(parameters: &theta, gradient: g, skippedCopies: skipped)
            for j in 0..<6 {
                let d = g[j] + decay * expected[j]
                if momentum == 0 {
                    expected[j] -= rates[j] * d
                } else {
                    b[j] = t == 0 ? d : b[j] * (1 - m * min(max(rates[j].squareRoot(), 0), 1 / m)) + keep * d
                    expected[j] -= rates[j] * b[j]
                }
            }
            for (k, range) in Self.copyRanges.enumerated() where !skipped.contains(k) {
                copySteps[k] += 1
                let rate = S(Self.copyRates[k])
                for i in range {
                    let d = g[i] + decay * expected[i]
                    if momentum == 0 {
                        expected[i] -= rate * d
                    } else {
                        b[i] = copySteps[k] == 1 ? d : m * b[i] + keep * d
                        expected[i] -= rate * b[i]
                    }
                }
            }
        }
        #expect(theta == expected, "\(S.self), momentum \(momentum)")
    }

    @Test(arguments: [0.0, 0.9])
    func sgdMatchesTheRecurrenceBitForBit(_ momentum: Double) throws {
        try check(Double.self, momentum: momentum)
        try check(Float.self, momentum: momentum)
    }
}
