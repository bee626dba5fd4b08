import Export
import Networks
import Tensors
import TestSupport
import Testing

/// The Zhu–Gupta schedule, magnitude masks and structured pruning, each against a direct computation.
@Suite struct PruningTests {
    @Test func scheduleFollowsTheCubicFormula() throws {
        let schedule = try PruningSchedule(
            initialSparsity: 0.1, finalSparsity: 0.8, start: 100, end: 500, frequency: 50)
        for t in [0, 100, 150, 300, 499, 500, 900] {
            let p = min(max(Double(t - 100) / 400, 0), 1)
            let expected = 0.8 + (0.1 - 0.8) * (1 - p) * (1 - p) * (1 - p)
            #expect(abs(schedule.sparsity(atStep: t) - expected) < 1e-15, "t = \(t)")
        }
        #expect(abs(schedule.sparsity(atStep: 100) - 0.1) < 1e-15)
        #expect(schedule.sparsity(atStep: 500) == 0.8)
        let updates = (0...1000).filter { schedule.updatesMask(atStep: $0) }
        #expect(updates == [100, 150, 200, 250, 300, 350, 400, 450, 500])
        // An end that is not on the grid is still an update.
        let offGrid = try PruningSchedule(initialSparsity: 0, finalSparsity: 0.5, start: 0, end: 25, frequency: 10)
        #expect((0...100).filter { offGrid.updatesMask(atStep: $0) } == [0, 10, 20, 25])
    }

    @Test(arguments: [(1.2, 0.0, 0, 10, 1), (0.5, 0.6, 0, 10, 1), (0.5, 0.0, 10, 10, 1), (0.5, 0.0, 0, 10, 0)])
    func impossibleSchedulesAreRejected(_ final: Double, _ initial: Double, _ start: Int, _ end: Int, _ every: Int) {
        #expect(throws: ExportError.self) {
            try PruningSchedule(
                initialSparsity: initial, finalSparsity: final, start: start, end: end, frequency: every)
        }
    }

    @Test func sparsityAboveOneIsOneClearMessage() {
        do {
            _ = try PruningSchedule(initialSparsity: 0, finalSparsity: 1.2, start: 0, end: 10, frequency: 1)
            Issue.record("accepted sparsity 1.2")
        } catch {
            #expect("\(error)" == "export.final_sparsity: a sparsity must be in [0, 1), got 1.2")
        }
    }

    /// Layer scope: every matrix loses exactly N − max(round(N(1 − s)), 1) weights (no ties in Gaussian
    /// weights), the smallest ones; biases are untouched; a mask never grows back.
    @Test(arguments: [0.0, 0.3, 0.8, 0.95])
    func layerMasksPruneTheSmallestWeights(_ sparsity: Double) {
        let model = RandomModels.float(sizes: [30, 20, 10], activation: .relu, seed: 2)
        let mask = MagnitudePruning.mask(model.parameters, sparsity: sparsity, scope: .layer, layers: [0, 1])
        for l in 0..<2 {
            let view = model.layout.views(ofLayer: l).weight
            let keep = max(Int((Double(view.count) * (1 - sparsity)).rounded(.toNearestOrEven)), 1)
            let kept = view.range.filter { mask[$0] == 1 }
            #expect(kept.count == keep, "layer \(l)")
            let smallestKept = kept.map { abs(model.parameters.values[$0]) }.min() ?? 0
            let largestPruned = view.range.filter { mask[$0] == 0 }.map { abs(model.parameters.values[$0]) }.max() ?? 0
            #expect(largestPruned < smallestKept || keep == view.count)
            #expect(model.layout.views(ofLayer: l).bias!.range.allSatisfy { mask[$0] == 1 })
        }
        var pruned = model.parameters
        MagnitudePruning.apply(mask, to: &pruned)
        let later = MagnitudePruning.mask(
            pruned, sparsity: max(sparsity - 0.2, 0), scope: .layer, layers: [0, 1], previous: mask)
        #expect(zip(mask, later).allSatisfy { $0 == 1 || $1 == 0 }, "a pruned weight came back")
    }

    /// Global scope: one threshold for both matrices, so the total is exact and the small layer can end up
    /// with a different sparsity than the large one.
    @Test func globalMaskUsesOneThreshold() {
        let model = RandomModels.float(sizes: [40, 30, 5], activation: .relu, seed: 3)
        let mask = MagnitudePruning.mask(model.parameters, sparsity: 0.7, scope: .global, layers: [0, 1])
        let views = [0, 1].map { model.layout.views(ofLayer: $0).weight }
        let total = views.reduce(0) { $0 + $1.count }
        let kept = views.flatMap { $0.range }.filter { mask[$0] == 1 }
        #expect(kept.count == Int((Double(total) * 0.3).rounded(.toNearestOrEven)))
        let threshold = kept.map { abs(model.parameters.values[$0]) }.min()!
        for view in views {
            for i in view.range { #expect((abs(model.parameters.values[i]) >= threshold) == (mask[i] == 1)) }
        }
    }

    /// Removing units equals zeroing their outgoing weights (their contribution) in the original model; the
    /// removed units are the lowest scores ‖(W_l[j,:], b_l[j])‖·‖W_{l+1}[:,j]‖, computed here naively.
    @Test func structuredPruningRemovesTheLowestScoringUnits() throws {
        let model = RandomModels.float(sizes: [12, 10, 8, 3], activation: .tanh, seed: 5)
        let result = try StructuredPruning.removeUnits(model, fraction: 0.5)
        #expect(result.model.architecture.sizes == [12, 5, 4, 3])
        var reference = model
        for (l, kept) in result.kept.enumerated() {
            let width = model.architecture.sizes[l + 1]
            let score: (Int) -> Double = { j in
                let w = model.parameters[model.layout.views(ofLayer: l).weight]
                let b = model.parameters[model.layout.views(ofLayer: l).bias!]
                let next = model.parameters[model.layout.views(ofLayer: l + 1).weight]
                let fanIn = model.architecture.sizes[l]
                let incoming = (0..<fanIn).reduce(Double(b[j] * b[j])) {
                    $0 + Double(w[j * fanIn + $1] * w[j * fanIn + $1])
                }
                let outgoing = (0..<model.architecture.sizes[l + 2]).reduce(0.0) {
                    $0 + Double(next[$1 * width + j] * next[$1 * width + j])
                }
                return incoming.squareRoot() * outgoing.squareRoot()
            }
            let removed = Set(0..<width).subtracting(kept)
            #expect(removed.count == width - kept.count)
            #expect(removed.map(score).max()! <= kept.map(score).min()!)
            // Zero the removed units' outgoing columns in the reference.
            let next = model.layout.views(ofLayer: l + 1).weight
            for o in 0..<model.architecture.sizes[l + 2] {
                for j in removed { reference.parameters.values[next.offset + o * width + j] = 0 }
            }
        }
        let inputs = RandomModels.inputs(count: 50, columns: 12, seed: 9)
        let error = Tolerance.normRelativeError(result.model.forward(inputs).output, reference.forward(inputs).output)
        #expect(error < 1e-6, "relative error \(error)")
    }

    /// A removed unit whose incoming weights are all zero is the constant φ(b_j); it is folded into the next
    /// bias, so removing it changes no output.
    @Test func deadUnitsAreFoldedExactly() throws {
        var model = RandomModels.float(sizes: [6, 5, 2], activation: .sigmoid, seed: 6)
        let w0 = model.layout.views(ofLayer: 0).weight
        for unit in [1, 3] { for i in 0..<6 { model.parameters.values[w0.offset + unit * 6 + i] = 0 } }
        let result = try StructuredPruning.removeUnits(model, fraction: 0.4)
        #expect(result.kept == [[0, 2, 4]])
        let inputs = RandomModels.inputs(count: 20, columns: 6, seed: 1)
        let error = Tolerance.normRelativeError(result.model.forward(inputs).output, model.forward(inputs).output)
        #expect(error < 1e-6, "relative error \(error)")
    }

    @Test func impossibleStructuredRequestsAreRejected() {
        let model = RandomModels.float(sizes: [6, 5, 2], activation: .relu, seed: 6)
        #expect(throws: ExportError.self) { try StructuredPruning.removeUnits(model, fraction: 1.0) }
        #expect(throws: ExportError.self) { try StructuredPruning.removeUnits(model, fraction: -0.1) }
        let linear = RandomModels.float(sizes: [6, 2], activation: .relu, seed: 6)
        #expect(throws: ExportError.self) { try StructuredPruning.removeUnits(linear, fraction: 0.5) }
    }
}
