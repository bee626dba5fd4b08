import Foundation
import Methods
import Networks
import Optimizers
import Tensors
import TestSupport
import Testing

/// The update rules against scalar recurrences written independently from the formulas in the papers and
/// PyTorch's documentation, in Double.
@Suite struct OptimizerTests {
    static let layout = MLPArchitecture(sizes: [2, 2], activation: .identity).layout  // 6 parameters

    static func buffer(_ values: [Double]) -> ParameterBuffer<Double> {
        ParameterBuffer(layout: layout, values: values)
    }

    /// A deterministic gradient sequence: g_t[i] = sin(1 + i + 0.7·t).
    static func gradient(_ t: Int) -> ParameterBuffer<Double> {
        buffer((0..<6).map { sin(1 + Double($0) + 0.7 * Double(t)) })
    }

    @Test func sgdWithNesterovMomentumAndDecay() throws {
        var sgd = try SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
        var theta = Self.buffer([1, -2, 0.5, 3, 0, -1])
        var expected = theta.values
        var b = [Double](repeating: 0, count: 6)
        for t in 0..<5 {
            let g = Self.gradient(t)
            sgd.step(parameters: &theta, gradient: g)
            for i in 0..<6 {
                let d = g.values[i] + 0.01 * expected[i]
                b[i] = t == 0 ? d : 0.9 * b[i] + d
                expected[i] -= 0.1 * (d + 0.9 * b[i])
            }
        }
        #expect(Tolerance.relativeError(theta.values, expected) < 1e-15)
    }

    @Test func plainSGDIsGradientDescent() throws {
        var sgd = try SGD<Double>(learningRate: 0.5)
        var theta = Self.buffer([1, 1, 1, 1, 1, 1])
        sgd.step(parameters: &theta, gradient: Self.buffer([2, 0, -2, 1, 0.5, 4]))
        #expect(theta.values == [0, 1, 2, 0.5, 0.75, -1])
    }

    @Test func adamMatchesRecurrence() throws {
        var adam = try Adam<Double>(learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1)
        var theta = Self.buffer([1, -2, 0.5, 3, 0, -1])
        var expected = theta.values
        var m = [Double](repeating: 0, count: 6)
        var v = [Double](repeating: 0, count: 6)
        for t in 1...6 {
            let g = Self.gradient(t)
            adam.step(parameters: &theta, gradient: g)
            for i in 0..<6 {
                let gi = g.values[i] + 0.1 * expected[i]
                m[i] = 0.8 * m[i] + 0.2 * gi
                v[i] = 0.99 * v[i] + 0.01 * gi * gi
                let mHat = m[i] / (1 - pow(0.8, Double(t)))
                let vHat = v[i] / (1 - pow(0.99, Double(t)))
                expected[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-6)
            }
        }
        #expect(Tolerance.relativeError(theta.values, expected) < 1e-12)
    }

    /// Adam's first step moves every coordinate by η·g/(|g| + ε), i.e. η·sign(g) up to a relative ε/|g|
    /// (here at most 1e-15/1e-3 = 1e-12): the closed form of t = 1.
    @Test func adamFirstStepIsSignStep() throws {
        var adam = try Adam<Double>(learningRate: 0.05, epsilon: 1e-15)
        var theta = Self.buffer([0, 0, 0, 0, 0, 0])
        adam.step(parameters: &theta, gradient: Self.buffer([3, -0.001, 7, -2, 1e-3, 5]))
        #expect(Tolerance.relativeError(theta.values, [-0.05, 0.05, -0.05, 0.05, -0.05, -0.05]) < 1e-11)
    }

    /// Saving the state after 3 steps and restoring it into a fresh optimizer continues identically.
    @Test func stateRoundTripContinuesExactly() throws {
        func makeSGD() throws -> any Optimizer<Double> { try SGD<Double>(learningRate: 0.1, momentum: 0.5) }
        func makeAdam() throws -> any Optimizer<Double> { try Adam<Double>(learningRate: 0.1) }
        for make in [makeSGD, makeAdam] {
            var straight = try make()
            var thetaStraight = Self.buffer([1, 2, 3, 4, 5, 6])
            for t in 0..<6 { straight.step(parameters: &thetaStraight, gradient: Self.gradient(t)) }

            var first = try make()
            var theta = Self.buffer([1, 2, 3, 4, 5, 6])
            for t in 0..<3 { first.step(parameters: &theta, gradient: Self.gradient(t)) }
            var second = try make()
            try second.restore(first.state)
            for t in 3..<6 { second.step(parameters: &theta, gradient: Self.gradient(t)) }
            #expect(theta.values == thetaStraight.values, "\(straight.name)")
        }
    }

    /// After a step the moments are part of the state: a state that lacks one is refused instead of silently
    /// restarting it. Before any step no moment is needed.
    @Test func restoreRefusesMissingMoments() throws {
        var adam = try Adam<Double>(learningRate: 0.1)
        var theta = Self.buffer([1, 2, 3, 4, 5, 6])
        adam.step(parameters: &theta, gradient: Self.gradient(0))
        #expect(throws: OptimizerError.stateMismatch("missing buffer 'exp_avg'")) {
            var fresh = try Adam<Double>(learningRate: 0.1)
            try fresh.restore(OptimizerState(counters: ["steps": 1]))
        }
        var state = adam.state
        state.buffers["exp_avg_sq"] = nil
        #expect(throws: OptimizerError.stateMismatch("missing buffer 'exp_avg_sq'")) {
            var fresh = try Adam<Double>(learningRate: 0.1)
            try fresh.restore(state)
        }
        state = adam.state
        state.buffers["exp_avg"] = nil
        #expect(throws: OptimizerError.stateMismatch("missing buffer 'exp_avg'")) {
            var fresh = try Adam<Double>(learningRate: 0.1)
            try fresh.restore(state)
        }
        state = adam.state
        state.buffers["exp_avg_sq"]!.removeLast()
        #expect(throws: OptimizerError.self) {
            var fresh = try Adam<Double>(learningRate: 0.1)
            try fresh.restore(state)
        }
        var fresh = try Adam<Double>(learningRate: 0.1)
        try fresh.restore(OptimizerState(counters: ["steps": 0]))

        var sgd = try SGD<Double>(learningRate: 0.1, momentum: 0.5)
        sgd.step(parameters: &theta, gradient: Self.gradient(0))
        #expect(throws: OptimizerError.stateMismatch("missing buffer 'momentum'")) {
            var fresh = try SGD<Double>(learningRate: 0.1, momentum: 0.5)
            try fresh.restore(OptimizerState(counters: ["steps": 1]))
        }

        var alrao = try AlraoOptimizer<Double>(
            kind: .adam, bodyRange: 0..<4, bodyRates: [0.1, 0.1, 0.1, 0.1], copyRanges: [4..<6], copyRates: [0.1])
        var values = theta.values
        alrao.step(parameters: &values, gradient: Self.gradient(0).values)
        state = alrao.state
        state.buffers["exp_avg_sq"] = nil
        #expect(throws: OptimizerError.stateMismatch("missing buffer 'exp_avg_sq'")) {
            var fresh = try AlraoOptimizer<Double>(
                kind: .adam, bodyRange: 0..<4, bodyRates: [0.1, 0.1, 0.1, 0.1], copyRanges: [4..<6], copyRates: [0.1])
            try fresh.restore(state)
        }
    }

    @Test func badHyperparametersAreRejectedWithTheirName() {
        #expect(throws: OptimizerError.invalidHyperparameter(name: "lr", value: -1, requirement: "a positive number")) {
            try SGD<Float>(learningRate: -1)
        }
        #expect(throws: OptimizerError.self) { try SGD<Float>(learningRate: 0.1, momentum: 1.5) }
        #expect(throws: OptimizerError.self) { try SGD<Float>(learningRate: 0.1, nesterov: true) }
        #expect(throws: OptimizerError.self) { try Adam<Float>(beta2: 1) }
        let message = OptimizerError.invalidHyperparameter(name: "momentum", value: 1.5, requirement: "in [0, 1)")
        #expect(message.description == "optimizer.momentum = 1.5 is invalid: it must be in [0, 1)")
    }
}
