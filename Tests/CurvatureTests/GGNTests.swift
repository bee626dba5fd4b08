import Curvature
import Foundation
import Networks
import Tensors
import TestSupport
import Testing

/// The matrix-free GGN product against an explicit Jᵀ·H·J·v: J built row by row with the backward pass
/// (an independent route from the forward-mode tangent the product uses), H_ℓ written out per sample.
@Suite struct GGNTests {
    @Test(arguments: [Loss.softmaxCrossEntropy, .halfSquaredError, .gaussianNLL(variance: 0.5)])
    func productEqualsExplicitJTHJv(_ loss: Loss) {
        let architecture = MLPArchitecture(sizes: [3, 4, 3], activation: .tanh)  // 31 parameters
        let model = MLP<Double>(architecture, initialization: .gaussian(sigmaW: 1.3, sigmaB: 0.4), seed: 2)
        var stream = RandomStream(seed: 4, key: .testing)
        let (batch, outputs, count) = (5, 3, model.layout.count)
        let x = Matrix<Double>(rows: batch, columns: 3, storage: stream.draw(batch * 3) { $0.normal() })
        let v: [Double] = stream.draw(count) { $0.normal() }
        let scale = 1.0 / Double(batch)
        let pass = model.forward(x)

        // J: one row per (sample, output), ∂f_{n,o}/∂θ from the backward pass of a one-hot dOutput.
        var jacobian = [[Double]]()
        for n in 0..<batch {
            for o in 0..<outputs {
                var oneHot = Matrix<Double>(rows: batch, columns: outputs)
                oneHot[n, o] = 1
                var row = ParameterBuffer<Double>(layout: model.layout)
                model.backward(pass, dOutput: oneHot, into: &row)
                jacobian.append(row.values)
            }
        }
        // H_ℓ, block-diagonal: each sample's output Hessian.
        func hessian(_ n: Int) -> [[Double]] {
            switch loss {
            case .softmaxCrossEntropy:
                let f = pass.output.row(n)
                let m = f.max()!
                let e = f.map { exp($0 - m) }
                let p = e.map { $0 / e.reduce(0, +) }
                var h = [[Double]](repeating: [Double](repeating: 0, count: outputs), count: outputs)
                for i in 0..<outputs {
                    for j in 0..<outputs { h[i][j] = (i == j ? p[i] : 0) - p[i] * p[j] }
                }
                return h
            case .halfSquaredError:
                return (0..<outputs).map { i in (0..<outputs).map { i == $0 ? 1 : 0 } }
            case .gaussianNLL(let variance):
                return (0..<outputs).map { i in (0..<outputs).map { i == $0 ? 1 / variance : 0 } }
            }
        }
        let jv = jacobian.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
        var hjv = [Double](repeating: 0, count: batch * outputs)
        for n in 0..<batch {
            let h = hessian(n)
            for i in 0..<outputs {
                for j in 0..<outputs { hjv[n * outputs + i] += scale * h[i][j] * jv[n * outputs + j] }
            }
        }
        var expected = [Double](repeating: 0, count: count)
        for (r, row) in jacobian.enumerated() { for p in 0..<count { expected[p] += row[p] * hjv[r] } }

        let product = model.ggnVectorProduct(pass, loss: loss, scale: scale, v)
        #expect(Tolerance.relativeError(product, expected) < 1e-12, "\(loss)")
        // G is positive semi-definite: vᵀGv ≥ 0.
        #expect(zip(product, v).reduce(0) { $0 + $1.0 * $1.1 } >= 0)
    }
}
