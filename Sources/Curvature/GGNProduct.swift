public import Networks
public import Tensors

extension MLP {
    /// `J·v`, the network output's tangent along a parameter direction v (forward mode), `(batch, outputs)`:
    /// `Ż_l = Ȧ_{l−1}·W_lᵀ + A_{l−1}·V_lᵀ + 1·β_lᵀ`, `Ȧ_l = φ'(Z_l) ⊙ Ż_l`, from the forward pass `pass`.
    public func jacobianVectorProduct(_ pass: ForwardPass<Scalar>, _ v: [Scalar]) -> Matrix<Scalar> {
        precondition(v.count == layout.count, "jacobianVectorProduct: \(v.count) values for \(layout.count) parameters")
        let sizes = architecture.sizes
        let batch = pass.batch
        var aDot: Matrix<Scalar>? = nil
        var zDot = Matrix<Scalar>(rows: 0, columns: 0)
        for l in 0..<architecture.layerCount {
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let (weightView, biasView) = layout.views(ofLayer: l)
            zDot = Matrix<Scalar>(rows: batch, columns: outputs)
            parameters.values.withUnsafeBufferPointer { theta in
                v.withUnsafeBufferPointer { u in
                    if let aDot {
                        PartitionTensors.gemmNT(
                            aDot, theta.baseAddress! + weightView.offset, inputs, outputs, into: &zDot, beta: 0)
                    }
                    PartitionTensors.gemmNT(
                        pass.layerInput(l), u.baseAddress! + weightView.offset, inputs, outputs, into: &zDot, beta: 1)
                    if let biasView {
                        for n in 0..<batch { for o in 0..<outputs { zDot[n, o] += u[biasView.offset + o] } }
                    }
                }
            }
            if l < architecture.layerCount - 1 {
                var a = zDot
                pass.preactivations[l].storage.withUnsafeBufferPointer { z in
                    pass.activations[l].storage.withUnsafeBufferPointer { act in
                        a.storage.withUnsafeMutableBufferPointer { ap in
                            architecture.activation.backward(z: z, a: act, dA: UnsafeBufferPointer(ap), into: ap)
                        }
                    }
                }
                aDot = a
            }
        }
        return zDot
    }

    /// The generalized Gauss-Newton product `G·v = Jᵀ·H_ℓ·J·v` of `L = scale·Σₙ ℓ(fₙ, yₙ)`, where H_ℓ is
    /// the loss's Hessian with respect to the output (`Diag(p) − ppᵀ` per sample for softmax cross-entropy,
    /// `I` for ½‖f − y‖², `I/σ²` for the Gaussian NLL): J·v forward, H_ℓ per sample, Jᵀ by the backward pass.
    /// G is symmetric positive semi-definite, unlike the Hessian.
    public func ggnVectorProduct(_ pass: ForwardPass<Scalar>, loss: Loss, scale: Double, _ v: [Scalar]) -> [Scalar] {
        let jv = jacobianVectorProduct(pass, v)
        var hjv = Matrix<Scalar>(rows: jv.rows, columns: jv.columns)
        let output = pass.output
        for n in 0..<jv.rows {
            switch loss {
            case .softmaxCrossEntropy:
                let p = Loss.softmax(output, row: n)
                var pa = 0.0
                for o in 0..<jv.columns { pa += p[o] * Double(jv[n, o]) }
                for o in 0..<jv.columns { hjv[n, o] = Scalar(scale * p[o] * (Double(jv[n, o]) - pa)) }
            case .halfSquaredError:
                for o in 0..<jv.columns { hjv[n, o] = Scalar(scale) * jv[n, o] }
            case .gaussianNLL(let variance):
                for o in 0..<jv.columns { hjv[n, o] = Scalar(scale / variance) * jv[n, o] }
            }
        }
        var result = ParameterBuffer<Scalar>(layout: layout)
        backward(pass, dOutput: hjv, into: &result)
        return result.values
    }
}
