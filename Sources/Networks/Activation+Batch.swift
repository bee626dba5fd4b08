public import Tensors

/// Activations applied to whole buffers. The `switch` on the activation sits outside the loops, so each
/// loop is a tight, specializable pass over contiguous memory.
extension Activation {
    /// `a = φ(z)` elementwise. `z` and `a` have the same count; they may be the same buffer.
    public func forward<S: BLASScalar>(_ z: UnsafeBufferPointer<S>, into a: UnsafeMutableBufferPointer<S>) {
        precondition(z.count == a.count, "Activation.forward: z has \(z.count) elements, a has \(a.count)")
        switch self {
        case .identity:
            for i in 0..<z.count { a[i] = z[i] }
        case .relu:
            for i in 0..<z.count { a[i] = z[i] > 0 ? z[i] : 0 }
        case .tanh:
            for i in 0..<z.count { a[i] = S.tanh(z[i]) }
        default:
            for i in 0..<z.count { a[i] = value(z[i]) }
        }
    }

    /// `dZ = dA ⊙ φ'(z)` elementwise (the chain rule through the activation). `a = φ(z)` is passed too so
    /// that tanh and sigmoid reuse it instead of recomputing the exponential. `dA` and `dZ` may alias.
    public func backward<S: BLASScalar>(
        z: UnsafeBufferPointer<S>, a: UnsafeBufferPointer<S>, dA: UnsafeBufferPointer<S>,
        into dZ: UnsafeMutableBufferPointer<S>
    ) {
        precondition(
            z.count == dA.count && dA.count == dZ.count && a.count == z.count,
            "Activation.backward: z \(z.count), a \(a.count), dA \(dA.count), dZ \(dZ.count) elements")
        switch self {
        case .identity:
            for i in 0..<z.count { dZ[i] = dA[i] }
        case .relu:
            // dA[i] is loaded unconditionally: a load inside the select would keep the loop from vectorizing.
            for i in 0..<z.count {
                let upstream = dA[i]
                dZ[i] = z[i] > 0 ? upstream : 0
            }
        case .tanh:
            for i in 0..<z.count { dZ[i] = dA[i] * (1 - a[i] * a[i]) }
        case .sigmoid:
            for i in 0..<z.count { dZ[i] = dA[i] * a[i] * (1 - a[i]) }
        default:
            for i in 0..<z.count { dZ[i] = dA[i] * derivative(z[i]) }
        }
    }
}
