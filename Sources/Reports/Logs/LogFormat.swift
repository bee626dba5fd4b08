public import Cluster
import Foundation

/// How `partita logs` prints a record: UTC time with milliseconds, the rank tag, the level, the message, the
/// step if any, and the metadata as sorted `key=value` pairs (the console's format).
///
///     2026-11-30T16:04:47.492Z [rank 1] info: steps allreduce_wait_ms=0.41 step=40 step_time_ms=3.97
public enum LogFormat {
    public static func line(_ record: LogRecord) -> String {
        var text = timestamp(record.time) + " [rank \(record.rank)] \(record.level): \(record.message)"
        if let step = record.step { text += " (step \(step))" }
        for key in record.metadata.keys.sorted() { text += " \(key)=\(record.metadata[key]!)" }
        return text
    }

    /// `time` (seconds since 1970) as `YYYY-MM-DDTHH:MM:SS.mmmZ`, computed without a formatter so it does
    /// not depend on the time zone or locale.
    public static func timestamp(_ time: Double) -> String {
        let milliseconds = Int64((time * 1000).rounded(.down))
        let (seconds, millis) = floorDivide(milliseconds, 1000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day, Int(secondOfDay / 3600),
            Int(secondOfDay % 3600 / 60), Int(secondOfDay % 60), Int(millis))
    }

    /// Quotient rounded toward −∞ and a non-negative remainder (times before 1970 are negative).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
