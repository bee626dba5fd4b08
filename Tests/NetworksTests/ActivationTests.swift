import Foundation
import Networks
import TestSupport
import Testing

/// Every activation's first three derivatives against central finite differences of the one below, in
/// Double. Points avoid the kinks of relu (0) and elu (0). Step h = 1e-5 gives truncation error O(h²·f''')
/// ≈ 1e-10 and rounding error O(ε/h) ≈ 1e-11, so 1e-7 absolute is a safe bound that still catches any
/// wrong coefficient.
@Suite struct ActivationTests {
    static let all: [Activation] = [
        .identity, .relu, .tanh, .silu, .elu(alpha: 1), .elu(alpha: 0.5), .gelu, .softplus, .sigmoid,
    ]
    static let points: [Double] = [-3.1, -1.2, -0.4, 0.3, 0.9, 2.2, 4.5]

    @Test(arguments: all)
    func derivativesMatchFiniteDifferences(_ activation: Activation) {
        for x in Self.points {
            let d = activation.derivatives(x)
            #expect(abs(d.value - activation.value(x)) < 1e-15)
            #expect(abs(d.first - activation.derivative(x)) < 1e-14)
            let first = FiniteDifferences.derivative({ activation.value($0) }, at: x)
            let second = FiniteDifferences.derivative({ activation.derivatives($0).first }, at: x)
            let third = FiniteDifferences.derivative({ activation.derivatives($0).second }, at: x)
            #expect(abs(d.first - first) < 1e-7, "\(activation) φ' at \(x): \(d.first) vs \(first)")
            #expect(abs(d.second - second) < 1e-7, "\(activation) φ'' at \(x): \(d.second) vs \(second)")
            #expect(abs(d.third - third) < 1e-7, "\(activation) φ''' at \(x): \(d.third) vs \(third)")
        }
    }

    /// Closed-form values at one point, so a derivative that is consistently wrong in value and slope
    /// cannot pass by being self-consistent.
    @Test func knownValues() {
        #expect(abs(Activation.gelu.value(1.0) - 0.8413447460685429) < 1e-15)  // Φ(1) = 0.841344746…
        #expect(abs(Activation.softplus.value(0.0) - log(2.0)) < 1e-15)
        #expect(abs(Activation.silu.value(1.0) - 1 / (1 + exp(-1.0))) < 1e-15)
        #expect(abs(Activation.elu(alpha: 1).value(-1.0) - (exp(-1.0) - 1)) < 1e-15)
        #expect(Activation.softplus.value(1000.0) == 1000.0)  // no overflow
        #expect(Activation.sigmoid.value(-1000.0) >= 0)
    }

    @Test(arguments: all)
    func batchKernelsMatchScalarFormulas(_ activation: Activation) {
        let z: [Double] = Self.points
        var a = [Double](repeating: 0, count: z.count)
        var dZ = [Double](repeating: 0, count: z.count)
        let dA: [Double] = [0.5, -1, 2, 0.25, 3, -0.75, 1.5]
        z.withUnsafeBufferPointer { zp in a.withUnsafeMutableBufferPointer { activation.forward(zp, into: $0) } }
        z.withUnsafeBufferPointer { zp in
            a.withUnsafeBufferPointer { ap in
                dA.withUnsafeBufferPointer { dap in
                    dZ.withUnsafeMutableBufferPointer { activation.backward(z: zp, a: ap, dA: dap, into: $0) }
                }
            }
        }
        for i in z.indices {
            #expect(abs(a[i] - activation.value(z[i])) < 1e-15)
            #expect(abs(dZ[i] - dA[i] * activation.derivative(z[i])) < 1e-14)
        }
    }
}
