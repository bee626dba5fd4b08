public import Tensors

/// Comparison helpers shared by every test target. Each states what it measures, so a test's tolerance
/// reads as a number with a meaning.
public enum Tolerance {
    /// `‖a − b‖∞ / max(‖b‖∞, floor)`: the largest elementwise error relative to the reference's scale.
    public static func relativeError<S: BinaryFloatingPoint>(_ a: [S], _ b: [S], floor: Double = 1e-300) -> Double {
        precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) elements")
        var maxDiff = 0.0
        var scale = 0.0
        for i in a.indices {
            maxDiff = max(maxDiff, abs(Double(a[i]) - Double(b[i])))
            scale = max(scale, abs(Double(b[i])))
        }
        if maxDiff.isNaN { return .infinity }
        return maxDiff / max(scale, floor)
    }

    /// `‖a − b‖₂ / ‖b‖₂` (Frobenius norms), for whole outputs.
    public static func normRelativeError<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "\(a.shapeDescription) vs \(b.shapeDescription)")
        var diff = 0.0
        for i in a.storage.indices {
            let d = Double(a.storage[i]) - Double(b.storage[i])
            diff += d * d
        }
        return diff.squareRoot() / max(b.frobeniusNorm, 1e-300)
    }

    /// `|a − b| / max(|b|, floor)`.
    public static func relativeError(_ a: Double, _ b: Double, floor: Double = 1e-300) -> Double {
        abs(a - b) / max(abs(b), floor)
    }
}

/// Central finite differences in Double.
public enum FiniteDifferences {
    /// `(f(x + h) − f(x − h)) / 2h`, error O(h²).
    public static func derivative(_ f: (Double) -> Double, at x: Double, step h: Double = 1e-5) -> Double {
        (f(x + h) - f(x - h)) / (2 * h)
    }

    /// The gradient of `f` at `x`, one central difference per coordinate.
    public static func gradient(_ f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-6) -> [Double] {
        var result = [Double](repeating: 0, count: x.count)
        var probe = x
        for i in x.indices {
            probe[i] = x[i] + h
            let plus = f(probe)
            probe[i] = x[i] - h
            let minus = f(probe)
            probe[i] = x[i]
            result[i] = (plus - minus) / (2 * h)
        }
        return result
    }
}
