import Curvature
import Foundation
import Methods
import Optimizers
import TestSupport
import Testing

@Suite struct GroupedNewtonTests {
    /// One-subset tensors whose order-2 step is η = ḡ/H̄ exactly.
    static func refresh(_ newton: inout GroupedNewton, eta: Double) {
        newton.refresh(PartitionTensors(gBar: [eta * 2], hBar: [2], d3: [1]))
    }

    @Test func postProcessingInOrder() throws {
        var settings = GroupedNewton.Settings()
        settings.order = 2
        settings.damping = 0.5
        settings.movingAverage = 0.25
        var newton = try GroupedNewton(subsets: 1, settings: settings)
        Self.refresh(&newton, eta: 4)  // first refresh: no averaging
        #expect(newton.rates == [0.5 * 4])
        Self.refresh(&newton, eta: -8)  // curr = 0.25·4 + 0.75·(−8) = −5, clipped to 0
        #expect(newton.lastEta == [-8])
        #expect(newton.rates == [0])
        Self.refresh(&newton, eta: 12)  // curr = 0.25·(−5) + 0.75·12 = 7.75: the raw average is kept
        #expect(newton.rates == [0.5 * 7.75])
    }

    @Test func failureZeroesTheRatesUnlessAveraging() throws {
        var settings = GroupedNewton.Settings()
        settings.order = 2
        var newton = try GroupedNewton(subsets: 2, settings: settings)
        newton.refresh(PartitionTensors(gBar: [1, 1], hBar: [2, 0, 0, 2], d3: [0, 0]))
        #expect(newton.rates == [0.05, 0.05])
        newton.refresh(PartitionTensors(gBar: [1, 1], hBar: [1, 1, 1, 1], d3: [0, 0]))  // singular
        #expect(newton.lastFailure == .singular)
        #expect(newton.rates == [0, 0])
    }

    /// Uniform averaging: every p refreshes "use" takes "up", which restarts from the current tensors; the
    /// first `warmup` refreshes train nothing.
    @Test func uniformAverageAndWarmup() throws {
        var settings = GroupedNewton.Settings()
        settings.order = 2
        settings.damping = 1
        settings.uniformAveragePeriod = 2
        settings.warmup = 1
        var newton = try GroupedNewton(subsets: 1, settings: settings)
        // ḡ values 2, 6, 10, 14 with H̄ = 1: η is the averaged ḡ.
        newton.refresh(PartitionTensors(gBar: [2], hBar: [1], d3: [0]))
        #expect(!newton.isTraining)
        #expect(newton.rates == [2])  // use = {2}
        newton.refresh(PartitionTensors(gBar: [6], hBar: [1], d3: [0]))
        #expect(newton.isTraining)
        #expect(newton.rates == [4])  // use = {2, 6}
        // third refresh: use ← up = {2, 6, 10}, up ← {10}
        newton.refresh(PartitionTensors(gBar: [10], hBar: [1], d3: [0]))
        #expect(newton.rates == [6])
        newton.refresh(PartitionTensors(gBar: [14], hBar: [1], d3: [0]))  // use = {2, 6, 10, 14}, up = {10, 14}
        #expect(newton.rates == [8])
        // fifth: use ← up = {10, 14, 18}, up ← {18}
        newton.refresh(PartitionTensors(gBar: [18], hBar: [1], d3: [0]))
        #expect(newton.rates == [14])
    }

    @Test func dampingOnPlateau() throws {
        var settings = GroupedNewton.Settings()
        settings.order = 2
        settings.damping = 1
        settings.plateauPatience = 1
        settings.plateauFactor = 0.5
        var newton = try GroupedNewton(subsets: 1, settings: settings)
        Self.refresh(&newton, eta: 1)
        for loss in [1.0, 0.5, 0.49999999, 0.5] { newton.epochEnded(trainingLoss: loss) }
        // 1.0 best, 0.5 better; 0.49999999 is not a relative 1e-4 improvement (bad 1), 0.5 (bad 2 > 1): halve.
        #expect(newton.damping == 0.5)
        #expect(newton.rates == [0.5])
    }

    @Test func stateRoundTrip() throws {
        var settings = GroupedNewton.Settings()
        settings.uniformAveragePeriod = 2
        var a = try GroupedNewton(subsets: 2, settings: settings)
        a.refresh(PartitionTensors(gBar: [1, 2], hBar: [3, 0.5, 0.5, 2], d3: [1, 1]))
        a.epochEnded(trainingLoss: 2)
        var b = try GroupedNewton(subsets: 2, settings: settings)
        try b.restore(a.vectors)
        a.refresh(PartitionTensors(gBar: [2, 1], hBar: [2, 0.1, 0.1, 3], d3: [2, 1]))
        b.refresh(PartitionTensors(gBar: [2, 1], hBar: [2, 0.1, 0.1, 3], d3: [2, 1]))
        #expect(a.rates == b.rates && a.vectors == b.vectors)
    }

    @Test func directionUpdatersFollowTheirRecurrences() {
        let gradients: [[Double]] = [[1, -2], [0.5, 1], [-1, 0.25]]
        var momentum = DirectionUpdater<Double>(.momentum(0.9))
        var adam = DirectionUpdater<Double>(.adam(beta1: 0.9, beta2: 0.99, epsilon: 1e-8))
        var b = [0.0, 0.0]
        var m = [0.0, 0.0]
        var v = [0.0, 0.0]
        for (t, g) in gradients.enumerated() {
            let uMomentum = g.withUnsafeBufferPointer { momentum.propose($0) }
            let uAdam = g.withUnsafeBufferPointer { adam.propose($0) }
            for i in 0..<2 {
                b[i] = t == 0 ? g[i] : 0.9 * b[i] + g[i]
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i]
                let expected =
                    (m[i] / (1 - pow(0.9, Double(t + 1))))
                    / ((v[i] / (1 - pow(0.99, Double(t + 1)))).squareRoot() + 1e-8)
                #expect(abs(uMomentum[i] - b[i]) < 1e-15)
                #expect(abs(uAdam[i] - expected) < 1e-12)
            }
        }
    }
}
