public import Networks
public import Tensors

// Notation (layer l of L, batch rows n): Z_l = A_{l−1}·W_lᵀ + 1·b_lᵀ, A_l = φ(Z_l) for hidden l, A_{−1} = X.
// For a direction v = u₍ᵢ₎ with weight part V_l and bias part β_l, the Taylor coefficients of the network
// along t ↦ θ + t·v are (forward mode, starting at the subset's first layer sᵢ; zero before it):
//
//     Ż_l  = Ȧ_{l−1}·W_lᵀ + A_{l−1}·V_lᵀ + 1·β_lᵀ          Ȧ_l = φ'(Z_l) ⊙ Ż_l
//     Z̈_l  = Ä_{l−1}·W_lᵀ + 2·Ȧ_{l−1}·V_lᵀ                 Ä_l = φ'(Z_l) ⊙ Z̈_l + φ''(Z_l) ⊙ Ż_l²
//
// With the adjoints δ_l = ∂L/∂Z_l and α_l = ∂L/∂A_l of one backward pass, the second and third derivatives
// follow without a pass per pair: every term that is not a linear propagation of the previous layer's
// coefficient is a "source" whose effect on L is its inner product with the adjoint at that point.
//
//     H̄ᵢⱼ = Cᵢⱼ + Cⱼᵢ + Σ_l ⟨α_l, φ''(Z_l) ⊙ Żᵢ_l ⊙ Żⱼ_l⟩ + Σ_n ℓ''ₙ[Żᵢ_L, Żⱼ_L]
//           with Cᵢⱼ = Σ_l ⟨δ_lᵀ·Ȧᵢ_{l−1}, Vⱼ_l⟩          (one GEMM per subset and layer, a dot per pair)
//     D3ᵢ = 3·Σ_l ⟨δ_lᵀ·Äᵢ_{l−1}, Vᵢ_l⟩ + Σ_l ⟨α_l, 3φ''⊙Żᵢ⊙Z̈ᵢ + φ'''⊙(Żᵢ)³⟩ + Σ_n (3ℓ''ₙ[Żᵢ_L, Z̈ᵢ_L] + ℓ'''ₙ[Żᵢ_L]³)
//
// The loss is L = scale·Σₙ ℓ(f_n, y_n), so δ and α carry the scale and the ℓ'' and ℓ''' terms are scaled.

extension PartitionTensors {
    /// ḡ, H̄ and D3 of `scale·Σₙ ℓ` on a batch, for an MLP, exactly (derivatives, not differences):
    /// one forward and one backward pass, then per subset one first-order and one second-order tangent pass
    /// starting at the subset's first layer, plus one GEMM per later layer for the pairwise terms.
    ///
    /// - Parameters:
    ///   - input: `(batch, inputs)`.
    ///   - direction: u, in the parameters' layout.
    ///   - partition: subsets made of whole parameter tensors.
    public static func compute<Scalar: BLASScalar>(
        model: MLP<Scalar>, input: Matrix<Scalar>, targets: LossTargets<Scalar>, loss: Loss, scale: Double,
        direction: [Scalar], partition: Partition
    ) -> PartitionTensors {
        let architecture = model.architecture
        let layout = model.layout
        precondition(!architecture.activatesLastLayer, "PartitionTensors: the network must end with a linear layer")
        precondition(direction.count == layout.count, "PartitionTensors: direction has \(direction.count) values")
        let layers = architecture.layerCount
        let batch = input.rows
        let s = partition.count
        let coverage = Coverage(partition: partition, layout: layout)

        // Forward, loss gradient, backward with the adjoints.
        let pass = model.forward(input)
        var dOutput: Matrix<Scalar>? = Matrix(rows: batch, columns: architecture.outputs)
        _ = loss.evaluate(outputs: pass.output, targets: targets, scale: scale, gradient: &dOutput)
        var gradient = ParameterBuffer<Scalar>(layout: layout)
        var deltaZ = [Matrix<Scalar>?](repeating: nil, count: layers)
        var deltaA = [Matrix<Scalar>?](repeating: nil, count: layers)
        gradient.values.withUnsafeMutableBufferPointer { g in
            model.parameters.values.withUnsafeBufferPointer { theta in
                architecture.backward(
                    pass, dOutput: dOutput!, parameters: theta, layout: layout, into: g,
                    adjoint: { l, dZ, dA in
                        deltaZ[l] = dZ
                        deltaA[l] = dA
                    })
            }
        }
        // φ', φ'', φ''' of every hidden layer's pre-activations.
        var derivatives = [(first: [Double], second: [Double], third: [Double])]()
        for l in 0..<(layers - 1) {
            let z = pass.preactivations[l].storage
            var d1 = [Double](repeating: 0, count: z.count)
            var d2 = d1
            var d3 = d1
            for k in z.indices {
                let d = architecture.activation.derivatives(Double(z[k]))
                (d1[k], d2[k], d3[k]) = (d.first, d.second, d.third)
            }
            derivatives.append((d1, d2, d3))
        }

        var result = PartitionTensors(zeros: s)
        for i in 0..<s {
            var sum = 0.0
            for range in partition.subsets[i].ranges {
                for p in range { sum += Double(gradient.values[p]) * Double(direction[p]) }
            }
            result.gBar[i] = sum
        }

        // Per subset: the tangents (kept: Ż of every layer, for the pairwise terms) and the one-subset terms.
        var firstTangents = [[Matrix<Scalar>?]]()  // [subset][layer]
        var crossGEMMs = [[Matrix<Scalar>?]]()  // [subset][layer]: δ_lᵀ·Ȧᵢ_{l−1}
        for i in 0..<s {
            let start = coverage.firstLayer[i]
            var zDot = [Matrix<Scalar>?](repeating: nil, count: layers)
            var zDDot = [Matrix<Scalar>?](repeating: nil, count: layers)
            var aDot: Matrix<Scalar>? = nil
            var aDDot: Matrix<Scalar>? = nil
            var cross = [Matrix<Scalar>?](repeating: nil, count: layers)
            for l in start..<layers {
                let (inputs, outputs) = (architecture.sizes[l], architecture.sizes[l + 1])
                let (weightView, biasView) = layout.views(ofLayer: l)
                let ownsWeight = coverage.covers(subset: i, view: weightView)
                var z1 = Matrix<Scalar>(rows: batch, columns: outputs)
                var z2 = Matrix<Scalar>(rows: batch, columns: outputs)
                model.parameters.values.withUnsafeBufferPointer { theta in
                    direction.withUnsafeBufferPointer { u in
                        let w = theta.baseAddress! + weightView.offset
                        let v = u.baseAddress! + weightView.offset
                        if let aDot {
                            Self.gemmNT(aDot, w, inputs, outputs, into: &z1, beta: 0)
                            Self.gemmNT(aDDot!, w, inputs, outputs, into: &z2, beta: 0)
                            if ownsWeight { Self.gemmNT(aDot, v, inputs, outputs, into: &z2, beta: 1, alpha: 2) }
                        }
                        if ownsWeight { Self.gemmNT(pass.layerInput(l), v, inputs, outputs, into: &z1, beta: 1) }
                        if let biasView, coverage.covers(subset: i, view: biasView) {
                            for n in 0..<batch { for o in 0..<outputs { z1[n, o] += u[biasView.offset + o] } }
                        }
                    }
                }
                // The one-subset third-order source at this layer's weights: 3⟨δ_lᵀ·Äᵢ_{l−1}, Vᵢ_l⟩.
                if let aDDot, ownsWeight {
                    result.d3[i] += 3 * Self.innerProductOfGEMM(deltaZ[l]!, aDDot, direction, weightView)
                }
                // δ_lᵀ·Ȧᵢ_{l−1}, for the pairs' cross terms with the subset that owns W_l.
                if let aDot { cross[l] = Self.gemmTN(deltaZ[l]!, aDot) }
                zDot[l] = z1
                zDDot[l] = z2
                if l < layers - 1 {
                    // Ȧ = φ'⊙Ż, Ä = φ'⊙Z̈ + φ''⊙Ż², and the activation sources of D3 at this layer.
                    let (d1, d2, d3) = derivatives[l]
                    var a1 = Matrix<Scalar>(rows: batch, columns: outputs)
                    var a2 = Matrix<Scalar>(rows: batch, columns: outputs)
                    let alpha = deltaA[l]!
                    var source = 0.0
                    for k in 0..<(batch * outputs) {
                        let (zd, zdd) = (Double(z1.storage[k]), Double(z2.storage[k]))
                        a1.storage[k] = Scalar(d1[k] * zd)
                        a2.storage[k] = Scalar(d1[k] * zdd + d2[k] * zd * zd)
                        source += Double(alpha.storage[k]) * (3 * d2[k] * zd * zdd + d3[k] * zd * zd * zd)
                    }
                    result.d3[i] += source
                    aDot = a1
                    aDDot = a2
                }
            }
            // The loss's own curvature along the output tangents.
            let output = pass.output
            var lossTerm = 0.0
            for n in 0..<batch {
                lossTerm += 3 * loss.secondDerivative(outputs: output, row: n, zDot[layers - 1]!, zDDot[layers - 1]!)
                lossTerm += loss.thirdDerivative(outputs: output, row: n, zDot[layers - 1]!)
            }
            result.d3[i] += scale * lossTerm
            firstTangents.append(zDot)
            crossGEMMs.append(cross)
        }

        // Pairs: H̄ᵢⱼ = Cᵢⱼ + Cⱼᵢ + activation curvature + loss curvature.
        for i in 0..<s {
            for j in i..<s {
                var value = 0.0
                for (a, b) in [(i, j), (j, i)] {
                    for l in 0..<layers {
                        guard let cross = crossGEMMs[a][l], coverage.weightOwner[l] == b else { continue }
                        value += Self.innerProduct(cross, direction, layout.views(ofLayer: l).weight)
                    }
                }
                let first = max(coverage.firstLayer[i], coverage.firstLayer[j])
                for l in first..<(layers - 1) {
                    let (zi, zj) = (firstTangents[i][l]!, firstTangents[j][l]!)
                    let alpha = deltaA[l]!
                    let d2 = derivatives[l].second
                    for k in 0..<zi.storage.count {
                        value += Double(alpha.storage[k]) * d2[k] * Double(zi.storage[k]) * Double(zj.storage[k])
                    }
                }
                var lossTerm = 0.0
                for n in 0..<batch {
                    lossTerm += loss.secondDerivative(
                        outputs: pass.output, row: n, firstTangents[i][layers - 1]!, firstTangents[j][layers - 1]!)
                }
                value += scale * lossTerm
                result.hBar[i * s + j] = value
                result.hBar[j * s + i] = value
            }
        }
        return result
    }

    // MARK: Kernels

    /// `c ← α·a·Wᵀ + β·c` with `a (batch, inputs)` and W `(outputs, inputs)` at `w`.
    static func gemmNT<Scalar: BLASScalar>(
        _ a: Matrix<Scalar>, _ w: UnsafePointer<Scalar>, _ inputs: Int, _ outputs: Int, into c: inout Matrix<Scalar>,
        beta: Scalar, alpha: Scalar = 1
    ) {
        a.storage.withUnsafeBufferPointer { x in
            c.storage.withUnsafeMutableBufferPointer { out in
                BLAS.gemm(
                    .none, .transposed, m: a.rows, n: outputs, k: inputs, alpha: alpha, a: x.baseAddress!, lda: inputs,
                    b: w, ldb: inputs, beta: beta, c: out.baseAddress!, ldc: outputs)
            }
        }
    }

    /// `δᵀ·a`, `(outputs, inputs)`.
    static func gemmTN<Scalar: BLASScalar>(_ delta: Matrix<Scalar>, _ a: Matrix<Scalar>) -> Matrix<Scalar> {
        BLAS.matmul(delta, .transposed, a, .none)
    }

    /// `⟨δᵀ·a, V⟩` with V the direction's tensor `view`.
    static func innerProductOfGEMM<Scalar: BLASScalar>(
        _ delta: Matrix<Scalar>, _ a: Matrix<Scalar>, _ direction: [Scalar], _ view: ParameterView
    ) -> Double {
        innerProduct(gemmTN(delta, a), direction, view)
    }

    /// `⟨m, V⟩` in Double.
    static func innerProduct<Scalar: BLASScalar>(_ m: Matrix<Scalar>, _ direction: [Scalar], _ view: ParameterView)
        -> Double
    {
        var sum = 0.0
        for k in 0..<m.storage.count { sum += Double(m.storage[k]) * Double(direction[view.offset + k]) }
        return sum
    }
}

/// Which parameter tensors each subset of a partition holds.
struct Coverage {
    let subsetOfView: [String: Int]
    /// The first layer each subset touches.
    let firstLayer: [Int]
    /// For each layer, the subset holding its weight (every tensor is in exactly one subset).
    let weightOwner: [Int]

    init(partition: Partition, layout: ParameterLayout) {
        var subsetOfView = [String: Int]()
        for view in layout.views {
            let owners = partition.subsets.indices.filter { s in
                partition.subsets[s].ranges.contains { $0.overlaps(view.range) }
            }
            precondition(owners.count == 1, "PartitionTensors: tensor \(view.name) is split across subsets \(owners)")
            precondition(
                partition.subsets[owners[0]].ranges.contains {
                    $0.contains(view.offset) && $0.upperBound >= view.range.upperBound
                }
                    || partition.subsets[owners[0]].ranges.reduce(0) { $0 + $1.clamped(to: view.range).count }
                        == view.count,
                "PartitionTensors: tensor \(view.name) is only partly in subset \(owners[0])")
            subsetOfView[view.name] = owners[0]
        }
        self.subsetOfView = subsetOfView
        firstLayer = partition.subsets.indices.map { s in
            layout.views.filter { subsetOfView[$0.name] == s }.map(\.layer).min() ?? layout.layerCount
        }
        weightOwner = (0..<layout.layerCount).map { l in subsetOfView[layout.views(ofLayer: l).weight.name]! }
    }

    func covers(subset: Int, view: ParameterView) -> Bool { subsetOfView[view.name] == subset }
}
