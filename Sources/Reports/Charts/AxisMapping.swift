import Foundation

/// How an axis maps data to position.
public enum AxisScale: String, Sendable, Codable {
    case linear
    /// Base 10: equal distances are equal ratios. Only positive values can be placed.
    case logarithmic
}

/// The data interval an axis shows, its tick positions, and the map from data to pixels.
struct AxisMapping {
    let scale: AxisScale
    /// The shown interval, in data units (for a log axis, still data units, not exponents).
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// The pixel positions of `lower` and `upper` (for a y axis, `pixelLower` is the bottom).
    var pixelLower = 0.0
    var pixelUpper = 1.0

    /// An axis covering `values` (non-finite values, and non-positive ones on a log axis, are ignored),
    /// widened to round tick values. `fixed` forces the interval.
    init(scale: AxisScale, values: [Double], fixed: ClosedRange<Double>? = nil, targetTicks: Int = 5) {
        self.scale = scale
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        var low = fixed?.lowerBound ?? usable.min() ?? (scale == .linear ? 0 : 1)
        var high = fixed?.upperBound ?? usable.max() ?? (scale == .linear ? 1 : 10)
        switch scale {
        case .linear:
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.1
                low -= pad
                high += pad
            }
            let step = Self.niceStep((high - low) / Double(targetTicks))
            if fixed == nil {
                low = (low / step).rounded(.down) * step
                high = (high / step).rounded(.up) * step
            }
            let first = (low / step - 1e-9).rounded(.up)
            let last = (high / step + 1e-9).rounded(.down)
            ticks = stride(from: first, through: last, by: 1).map { Self.clean($0 * step) }
        case .logarithmic:
            var lowExponent = log10(low).rounded(.down)
            var highExponent = log10(high).rounded(.up)
            if lowExponent == highExponent { highExponent += 1 }
            if fixed != nil {
                lowExponent = log10(low)
                highExponent = log10(high)
            } else {
                low = pow(10, lowExponent)
                high = pow(10, highExponent)
            }
            let decades = Int((highExponent - lowExponent).rounded(.up))
            let every = max(1, (decades + 5) / 6)
            var marks: [Double] = []
            for exponent in stride(from: lowExponent.rounded(.up), through: highExponent, by: Double(every)) {
                let decade = pow(10, exponent)
                marks.append(decade)
                // With few decades, 2 and 5 between them keep the axis readable.
                if decades <= 2 {
                    for factor in [2.0, 5.0] where decade * factor <= high * (1 + 1e-9) {
                        marks.append(decade * factor)
                    }
                }
            }
            if decades <= 2, lowExponent.rounded(.up) > lowExponent {
                let below = pow(10, lowExponent.rounded(.down))
                marks += [2.0, 5.0].map { below * $0 }.filter { $0 >= low * (1 - 1e-9) }
            }
            ticks = marks.sorted()
        }
        lower = low
        upper = high
    }

    /// The position of `value` in pixels; nil when it cannot be placed (non-finite, or not positive on a
    /// log axis).
    func pixel(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let fraction: Double
        switch scale {
        case .linear:
            fraction = (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return nil }
            fraction = (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
        return pixelLower + fraction * (pixelUpper - pixelLower)
    }

    /// Tick labels: on a linear axis with as many decimals as the step needs; on a log axis the powers of
    /// ten as plain numbers between 0.001 and 10000 and as `1e-5` beyond.
    func label(_ value: Double) -> String {
        switch scale {
        case .linear:
            let step = ticks.count > 1 ? ticks[1] - ticks[0] : max(abs(value), 1)
            return NumberFormat.tick(value, step: step)
        case .logarithmic:
            return NumberFormat.logTick(value)
        }
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= raw * (1 - 1e-9) {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    /// Removes the binary noise of `k × step` (0.30000000000000004 → 0.3).
    static func clean(_ value: Double) -> Double {
        guard value != 0 else { return 0 }
        return Double(String(format: "%.12g", value)) ?? value
    }
}
