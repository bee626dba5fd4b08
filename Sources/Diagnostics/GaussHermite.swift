import RealModule

/// Gauss–Hermite quadrature for expectations under N(0, 1): E[f(Z)] ≈ Σᵢ wᵢ·f(zᵢ), exact for polynomials of
/// degree < 2·count.
///
/// The nodes are the roots xᵢ of the Hermite polynomial Hₙ (weight e^{−x²}), found by bracketing the sign
/// changes of the orthonormal polynomial pₙ on a grid finer than the smallest root spacing, bisection and a
/// final Newton step (pₙ' = √(2n)·pₙ₋₁). The Christoffel weights are λᵢ = 1/Σ_{k<n} p_k(xᵢ)². For N(0, 1):
/// zᵢ = √2·xᵢ and wᵢ = λᵢ/√π.
public struct GaussHermite: Sendable {
    public let nodes: [Double]
    public let weights: [Double]

    /// A rule with `count` nodes (1 ≤ count ≤ 300: beyond, Σp_k² at the outer nodes overflows Double).
    public init(count n: Int) {
        precondition(n >= 1 && n <= 300, "GaussHermite: count \(n) is not in 1...300")
        // The roots lie in (−√(2n + 1), √(2n + 1)) and are at least ~π/√(2n + 1)·(1/2) apart near the edges.
        let bound = (2 * Double(n) + 1).squareRoot() + 1
        let steps = 64 * n
        var roots = [Double]()
        var previousX = -bound
        var previousValue = Self.orthonormal(n, at: previousX).value
        for step in 1...steps {
            let x = -bound + 2 * bound * Double(step) / Double(steps)
            let value = Self.orthonormal(n, at: x).value
            if value == 0 {
                roots.append(x)
            } else if (value < 0) != (previousValue < 0) && previousValue != 0 {
                roots.append(Self.refine(n, previousX, x))
            }
            previousX = x
            previousValue = value
        }
        precondition(roots.count == n, "GaussHermite: found \(roots.count) roots of H_\(n)")
        // Symmetrize: the rule is exactly symmetric, the bracketing only nearly so.
        for i in 0..<(n / 2) {
            let r = (roots[n - 1 - i] - roots[i]) / 2
            roots[i] = -r
            roots[n - 1 - i] = r
        }
        if n % 2 == 1 { roots[n / 2] = 0 }
        nodes = roots.map { 2.0.squareRoot() * $0 }
        weights = roots.map { 1 / (Self.orthonormal(n, at: $0).sumOfSquares * Double.pi.squareRoot()) }
    }

    /// E[f(Z)] for Z ~ N(0, 1).
    public func expectation(_ f: (Double) -> Double) -> Double {
        var sum = 0.0
        for i in nodes.indices { sum += weights[i] * f(nodes[i]) }
        return sum
    }

    /// pₙ(x), pₙ₋₁(x) and Σ_{k<n} p_k(x)² for the polynomials orthonormal for e^{−x²}:
    /// p₀ = π^{−1/4}, p_{k+1} = x·√(2/(k + 1))·p_k − √(k/(k + 1))·p_{k−1}.
    static func orthonormal(_ n: Int, at x: Double) -> (value: Double, previous: Double, sumOfSquares: Double) {
        var current = 1 / Double.pow(Double.pi, 0.25)
        var previous = 0.0
        var sumOfSquares = 0.0
        for k in 0..<n {
            sumOfSquares += current * current
            let next =
                x * (2 / Double(k + 1)).squareRoot() * current - (Double(k) / Double(k + 1)).squareRoot() * previous
            previous = current
            current = next
        }
        return (current, previous, sumOfSquares)
    }

    /// The root of pₙ in [low, high] (a sign change): bisection to a tight bracket, then Newton steps.
    static func refine(_ n: Int, _ low: Double, _ high: Double) -> Double {
        var (a, b) = (low, high)
        let signAtA = orthonormal(n, at: a).value < 0
        for _ in 0..<40 {
            let mid = (a + b) / 2
            if (orthonormal(n, at: mid).value < 0) == signAtA { a = mid } else { b = mid }
        }
        var x = (a + b) / 2
        for _ in 0..<3 {
            let p = orthonormal(n, at: x)
            let derivative = (2 * Double(n)).squareRoot() * p.previous
            guard derivative != 0 else { break }
            let next = x - p.value / derivative
            guard next > low && next < high else { break }
            x = next
        }
        return x
    }
}
