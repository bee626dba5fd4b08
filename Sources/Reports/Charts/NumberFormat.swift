import Foundation

/// Number formatting for axes, legends and tables.
public enum NumberFormat {
    /// Four significant digits, without exponent between 0.0001 and 1,000,000 (e.g. 0.9582, 1234, 3.5e-06).
    public static func short(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-4 && magnitude < 1e6 {
            let decimals = max(0, digits - 1 - Int(log10(magnitude).rounded(.down)))
            return trimmed(String(format: "%.\(decimals)f", value))
        }
        return exponential(value, digits: digits)
    }

    /// `value` as mantissa and exponent with `digits` significant digits: 3.500e-6, 2.0e7.
    static func exponential(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits - 1)e", value).replacingOccurrences(of: "e-0", with: "e-")
            .replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
    }

    /// A tick of a linear axis whose ticks are `step` apart: just enough decimals to tell ticks apart.
    static func tick(_ value: Double, step: Double) -> String {
        // Ticks closer than 0.001 would need many zeros: exponent form reads better (2.0e-5, 4.0e-5, ...).
        if abs(value) >= 1e6 || step < 1e-3 { return value == 0 ? "0" : exponential(value, digits: 2) }
        let decimals = max(0, -Int(log10(step).rounded(.down)) + (isHalfStep(step) ? 1 : 0))
        return String(format: "%.\(min(decimals, 10))f", value)
    }

    /// A tick of a log axis (a power of ten, or 2 or 5 times one).
    static func logTick(_ value: Double) -> String {
        let exponent = log10(value).rounded(.down)
        if exponent >= -3 && exponent <= 4 { return trimmed(String(format: "%.3f", value)) }
        let mantissa = (value / pow(10, exponent)).rounded()
        return (mantissa == 1 ? "1" : String(Int(mantissa))) + "e" + String(Int(exponent))
    }

    /// `value` with a thousands separator-free fixed number of decimals (tables).
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return short(value) }
        return String(format: "%.\(decimals)f", value)
    }

    /// Byte counts as in the export report: `12345 B (12.1 KiB)`.
    public static func bytes(_ value: Double) -> String {
        guard value.isFinite else { return short(value) }
        let whole = String(Int64(value))
        if value < 1024 { return whole + " B" }
        if value < 1024 * 1024 { return whole + " B (" + fixed(value / 1024, decimals: 1) + " KiB)" }
        return whole + " B (" + fixed(value / 1_048_576, decimals: 2) + " MiB)"
    }

    private static func isHalfStep(_ step: Double) -> Bool {
        let mantissa = step / pow(10, log10(step).rounded(.down))
        return abs(mantissa - 2.5) < 1e-6
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}
