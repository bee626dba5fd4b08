public import Networks
import RealModule
public import Tensors

/// The second and third directional derivatives of a per-sample loss ℓ(f) with respect to the network
/// output f, which the partition tensors need at the output layer.
///
/// - softmax cross-entropy: ℓ = logsumexp(f) − f_y, whose derivatives are the cumulants of the direction
///   under p = softmax(f): `ℓ''[a, b] = Σ pᵢaᵢbᵢ − (pᵀa)(pᵀb)`,
///   `ℓ'''[a, a, a] = E[a³] − 3E[a²]E[a] + 2E[a]³`;
/// - ½‖f − y‖²: `ℓ''[a, b] = aᵀb`, `ℓ''' = 0`; the Gaussian NLL with variance σ² is that over σ².
extension Loss {
    /// `ℓ''_n[a_n, b_n]` for row n of `outputs` and of the directions `a`, `b` (all `(batch, outputs)`).
    public func secondDerivative<Scalar: BLASScalar>(
        outputs f: Matrix<Scalar>, row n: Int, _ a: Matrix<Scalar>, _ b: Matrix<Scalar>
    ) -> Double {
        let width = f.columns
        switch self {
        case .softmaxCrossEntropy:
            let p = Self.softmax(f, row: n)
            var pab = 0.0
            var pa = 0.0
            var pb = 0.0
            for i in 0..<width {
                let (ai, bi) = (Double(a[n, i]), Double(b[n, i]))
                pab += p[i] * ai * bi
                pa += p[i] * ai
                pb += p[i] * bi
            }
            return pab - pa * pb
        case .halfSquaredError, .gaussianNLL:
            var dot = 0.0
            for i in 0..<width { dot += Double(a[n, i]) * Double(b[n, i]) }
            if case .gaussianNLL(let variance) = self { return dot / variance }
            return dot
        }
    }

    /// `ℓ'''_n[a_n, a_n, a_n]`.
    public func thirdDerivative<Scalar: BLASScalar>(outputs f: Matrix<Scalar>, row n: Int, _ a: Matrix<Scalar>)
        -> Double
    {
        switch self {
        case .softmaxCrossEntropy:
            let p = Self.softmax(f, row: n)
            var m1 = 0.0
            var m2 = 0.0
            var m3 = 0.0
            for i in 0..<f.columns {
                let ai = Double(a[n, i])
                m1 += p[i] * ai
                m2 += p[i] * ai * ai
                m3 += p[i] * ai * ai * ai
            }
            return m3 - 3 * m2 * m1 + 2 * m1 * m1 * m1
        case .halfSquaredError, .gaussianNLL:
            return 0
        }
    }
}
