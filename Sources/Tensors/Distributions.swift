import RealModule

/// Samplers on a `RandomStream`. Every draw is computed in `Double` and consumes a fixed number of words,
/// so a sequence of draws is the same whatever scalar type it is later stored in.
extension RandomStream {
    /// Uniform on [0, 1), 53 random bits. Consumes 2 words.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform on the open interval (0, 1): never 0, so its logarithm is finite. Consumes 2 words.
    public mutating func uniformOpen() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Uniform on [low, high). Consumes 2 words.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// Standard normal by the Box–Muller transform, `√(−2 ln u₁)·cos(2π u₂)`. Consumes 4 words.
    public mutating func normal() -> Double {
        let radius = (-2 * Double.log(uniformOpen())).squareRoot()
        return radius * Double.cos(2 * Double.pi * uniform())
    }

    /// Log-uniform on (low, high): `exp(ln low + U·(ln high − ln low))`, so every decade is equally likely.
    /// Consumes 2 words. Alrao draws its per-unit learning rates this way.
    public mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        precondition(low > 0 && high >= low, "logUniform: need 0 < low <= high, got (\(low), \(high))")
        return Double.exp(Double.log(low) + uniform() * (Double.log(high) - Double.log(low)))
    }

    /// The symmetric Weibull law 𝒲(θ, scale): `|W|` is Weibull with shape θ and the given scale
    /// (`|W| = scale·(−ln u)^(1/θ)`), and the sign is ± with probability ½ each, so that
    /// `P(|W| > t) = exp(−(t/scale)^θ)` and `E[W²] = scale²·Γ(1 + 2/θ)`. Consumes 3 words.
    public mutating func symmetricWeibull(shape theta: Double, scale: Double = 1) -> Double {
        precondition(theta > 0 && scale > 0, "symmetricWeibull: need θ > 0 and scale > 0, got (\(theta), \(scale))")
        let signWord = next32()
        let magnitude = scale * Double.pow(-Double.log(uniformOpen()), 1 / theta)
        return signWord & 1 == 0 ? magnitude : -magnitude
    }

    /// A uniformly distributed integer in 0..<bound, without modulo bias (Lemire's multiply-and-reject).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:): bound must be positive, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A uniformly random permutation of 0..<count (Fisher–Yates, from the back).
    public mutating func permutation(_ count: Int) -> [Int] {
        var result = Array(0..<count)
        var i = count - 1
        while i > 0 {
            result.swapAt(i, integer(below: i + 1))
            i -= 1
        }
        return result
    }

    /// `count` independent draws of `sample`, stored as `Scalar`.
    public mutating func draw<Scalar: BinaryFloatingPoint>(
        _ count: Int, as type: Scalar.Type = Scalar.self, _ sample: (inout RandomStream) -> Double
    ) -> [Scalar] {
        var result = [Scalar]()
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(Scalar(sample(&self))) }
        return result
    }
}
