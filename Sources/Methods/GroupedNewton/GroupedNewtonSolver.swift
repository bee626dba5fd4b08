import Foundation
import Tensors

/// The per-subset step sizes η of the grouped Newton method (Wolinski 2025; methods.md §3.3), from the
/// partition tensors ḡ (S), H̄ (S×S, row-major) and D3 (S), in Double, deterministically (every rank gets
/// the same bits from the same inputs).
///
/// Minimizing the model `−ḡᵀη + ½ηᵀH̄η` gives the **order-2** step `η = (H̄ + ridge·I)⁻¹ḡ`. The **order-3**
/// ("anisotropic Nesterov cubic regularization") step with `D = Diag(|D3|^{1/3})` solves
/// `η = (H̄ + (λ/2)·‖Dη‖·D²)⁻¹ḡ`, taking the solution with the largest `r = ‖Dη‖`: the root of
/// `f(r) = ‖D(H̄ + ½λrD²)⁻¹ḡ‖ − r` found by bracketing and Brent's method, exactly as §3.3 lists.
public enum GroupedNewtonSolver {
    /// Why no step could be computed; the caller keeps η = 0 or its previous η (§3.3's failure rules).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case singular
        case indefiniteWithoutRegularization
        case lowerBracketNotFound
        case rootNotFound
        case nonFinite

        public var description: String {
            switch self {
            case .singular: "the system is singular"
            case .indefiniteWithoutRegularization: "H̄ is not positive definite and λ_int = 0"
            case .lowerBracketNotFound: "no lower bracket for the cubic-regularized step"
            case .rootNotFound: "no root of the cubic-regularization equation"
            case .nonFinite: "the tensors are not finite"
            }
        }
    }

    /// `η = (H̄ + ridge·I)⁻¹ḡ`.
    public static func orderTwo(gBar: [Double], hBar: [Double], ridge: Double = 0) throws(Failure) -> [Double] {
        let s = gBar.count
        precondition(hBar.count == s * s, "orderTwo: H̄ has \(hBar.count) entries for S = \(s)")
        guard (gBar + hBar).allSatisfy(\.isFinite) else { throw .nonFinite }
        var matrix = hBar
        for i in 0..<s { matrix[i * s + i] += ridge }
        do {
            return try LAPACK.solve(matrix, n: s, gBar)
        } catch {
            throw .singular
        }
    }

    /// The cubic-regularized step and its `r = ‖Dη‖`.
    public static func orderThree(
        gBar: [Double], hBar: [Double], d3: [Double], lambda: Double
    ) throws(Failure) -> (eta: [Double], r: Double) {
        let s = gBar.count
        precondition(hBar.count == s * s && d3.count == s, "orderThree: shapes do not fit S = \(s)")
        guard (gBar + hBar + d3).allSatisfy(\.isFinite) else { throw .nonFinite }
        let d = d3.map { Foundation.cbrt(abs($0)) }

        /// `(H̄ + ½λxD²)⁻¹ḡ`, or nil when singular.
        func eta(_ x: Double) -> [Double]? {
            var matrix = hBar
            for i in 0..<s { matrix[i * s + i] += 0.5 * lambda * x * d[i] * d[i] }
            return try? LAPACK.solve(matrix, n: s, gBar)
        }
        func f(_ x: Double) -> Double? {
            guard let e = eta(x) else { return nil }
            var squared = 0.0
            for i in 0..<s { squared += d[i] * e[i] * d[i] * e[i] }
            return squared.squareRoot() - x
        }
        func smallestEigenvalue(_ x: Double) -> Double? {
            var matrix = hBar
            for i in 0..<s { matrix[i * s + i] += 0.5 * lambda * x * d[i] * d[i] }
            return try? LAPACK.symmetricEigen(matrix, n: s).values.first
        }

        // Lower bracket.
        guard let lambdaMin = smallestEigenvalue(0) else { throw .singular }
        var x0 = 0.0
        if lambdaMin <= 0 {
            guard lambda > 0 else { throw .indefiniteWithoutRegularization }
            if d.allSatisfy({ $0 > 1e-5 }) {
                // The largest x at which H̄ + ½λxD² is singular: from λ_min(D⁻¹H̄D⁻¹).
                var scaled = hBar
                for i in 0..<s { for j in 0..<s { scaled[i * s + j] /= d[i] * d[j] } }
                guard let scaledMin = try? LAPACK.symmetricEigen(scaled, n: s).values.first else { throw .singular }
                x0 = 2 / lambda * abs(min(0, scaledMin))
            } else {
                // D is singular: the root of λ_min(H̄ + ½λxD²) = 0, bracketed from [0, 1] upwards.
                var high = 1.0
                var previous = lambdaMin
                while true {
                    guard let value = smallestEigenvalue(high) else { throw .lowerBracketNotFound }
                    if value > 0 { break }
                    if value < previous { throw .lowerBracketNotFound }
                    previous = value
                    high *= 3
                    if high > 1e300 { throw .lowerBracketNotFound }
                }
                guard let root = brent({ smallestEigenvalue($0) }, 0, high) else { throw .lowerBracketNotFound }
                x0 = root
            }
        }
        // Root search on f.
        var lowValue = f(x0)
        let shift = 0.5 * lambda * (d.map { $0 * $0 }.max() ?? 0)
        if lowValue == nil && shift > 0 {
            // H̄ + ½λx0·D² is exactly singular (x0 = 0 when H̄ is singular positive semi-definite): step just past
            // x0, by 0.1 % of it but at least by a shift ½λx·max D² of 1e-9 of H̄'s largest entry (x0 can be 0).
            let hScale = hBar.map { abs($0) }.max() ?? 0
            x0 += max(1e-3 * x0, 1e-9 * (hScale > 0 ? hScale : 1) / shift)
            lowValue = f(x0)
        }
        guard let fLow = lowValue, fLow > 0 else { throw .rootNotFound }
        var x1 = x0 + 1
        while true {
            guard let value = f(x1) else { throw .rootNotFound }
            if value < 0 { break }
            x1 *= 3
            if x1 > 1e300 { throw .rootNotFound }
        }
        guard let r = brent(f, x0, x1), let result = eta(r) else { throw .rootNotFound }
        return (result, r)
    }

    /// Brent's root finder on [a, b] (f(a) and f(b) of opposite signs), at most 100 iterations; nil when
    /// the bracket is invalid or f cannot be evaluated.
    public static func brent(
        _ f: (Double) -> Double?, _ a: Double, _ b: Double, tolerance: Double = 1e-14
    ) -> Double? {
        var (a, b) = (a, b)
        guard var fa = f(a), var fb = f(b) else { return nil }
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa < 0) != (fb < 0) else { return nil }
        var c = a
        var fc = fa
        var d = b - a
        var e = d
        for _ in 0..<100 {
            if (fb > 0) == (fc > 0) {
                c = a
                fc = fa
                d = b - a
                e = d
            }
            if abs(fc) < abs(fb) {
                (a, b, c) = (b, c, b)
                (fa, fb, fc) = (fb, fc, fb)
            }
            let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
            let m = 0.5 * (c - b)
            if abs(m) <= tol || fb == 0 { return b }
            if abs(e) >= tol && abs(fa) > abs(fb) {
                // Inverse quadratic interpolation (or the secant when two points coincide).
                let s = fb / fa
                var p: Double
                var q: Double
                if a == c {
                    p = 2 * m * s
                    q = 1 - s
                } else {
                    let qa = fa / fc
                    let r = fb / fc
                    p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
                    q = (qa - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = m
                    e = m
                }
            } else {
                d = m
                e = m
            }
            a = b
            fa = fb
            b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
            guard let value = f(b) else { return nil }
            fb = value
        }
        return b
    }
}
