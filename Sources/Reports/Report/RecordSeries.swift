/// Pulling plot data out of JSON records.
enum RecordSeries {
    /// `(record[x], record[y] × scale)` for the records that have both; a `null` y (a non-finite value) is kept
    /// as NaN so the line shows a gap.
    static func pairs(_ records: [JSONValue], x: String, y: String, scale: Double = 1) -> (x: [Double], y: [Double]) {
        var xs: [Double] = []
        var ys: [Double] = []
        for record in records {
            guard let xValue = record[x]?.number, let yField = record[y] else { continue }
            xs.append(xValue)
            ys.append((yField.number ?? .nan) * scale)
        }
        return (xs, ys)
    }

    /// The k-th element of an array field of each record (e.g. the posterior of one Alrao copy), against `x`.
    static func component(_ records: [JSONValue], x: String, field: String, index: Int) -> (x: [Double], y: [Double]) {
        var xs: [Double] = []
        var ys: [Double] = []
        for record in records {
            guard let xValue = record[x]?.number, let values = record[field]?.numbers, index < values.count else {
                continue
            }
            xs.append(xValue)
            ys.append(values[index])
        }
        return (xs, ys)
    }

    /// Logarithmic when every finite value is positive and they span at least `ratio` (a loss falling from
    /// 2 to 0.01 reads better on a log axis; an accuracy from 90 to 97 does not).
    static func scale(for values: [Double], ratio: Double = 20) -> AxisScale {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low > 0 else { return .linear }
        return high / low >= ratio ? .logarithmic : .linear
    }
}
