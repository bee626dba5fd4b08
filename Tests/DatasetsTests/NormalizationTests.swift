import Tensors
import TestSupport
import Testing

@testable import Datasets

/// Normalizations checked through the properties they promise, on data with known structure.
@Suite struct NormalizationTests {
    /// `(40, 6)` bytes with column 5 constant, from a seeded stream.
    static let bytes: FeatureStorage = {
        var stream = RandomStream(seed: 5, key: .testing)
        let values = (0..<240).map { $0 % 6 == 5 ? UInt8(9) : UInt8(stream.integer(below: 256)) }
        return FeatureStorage(rows: 40, columns: 6, uint8: values)
    }()

    /// On the fitted (training) rows every feature has mean 0 and population standard deviation 1 to 1e-12;
    /// the constant feature becomes 0 (its stored std is 1).
    @Test func standardizeGivesZeroMeanUnitStdOnTrainingRows() {
        let trainRows = Array(stride(from: 0, to: 40, by: 2)) + [7, 13]
        let normalization = Normalization.fitStandardize(features: Self.bytes, rows: trainRows)
        let x: Matrix<Double> = Self.bytes.gathered(rows: trainRows, normalization: normalization)
        for c in 0..<5 {
            let column = (0..<x.rows).map { x[$0, c] }
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)
            #expect(abs(mean) < 1e-12 && abs(variance.squareRoot() - 1) < 1e-12, "feature \(c)")
        }
        #expect((0..<x.rows).allSatisfy { x[$0, 5] == 0 })
        // Rows outside the fit use the training statistics: (x − mean)/std recomputed here.
        guard case .standardize(let mean, let std) = normalization else {
            Issue.record("expected standardize")
            return
        }
        // The constant feature's standard deviation (0) is stored as 1, the divisor `apply` uses.
        #expect(std[5] == 1 && mean[5] == 9)
        let other: Matrix<Double> = Self.bytes.gathered(rows: [1, 3], normalization: normalization)
        for (i, row) in [1, 3].enumerated() {
            for c in 0..<5 {
                let expected = (Self.bytes.value(row: row, column: c) - mean[c]) / std[c]
                #expect(Tolerance.relativeError(other[i, c], expected) < 1e-15)
            }
        }
    }

    /// Every gathered row has `‖x‖²/n₀ = 1` to 1e-12, in Double and (to float rounding) in Float; a zero row
    /// stays zero.
    @Test func unitNormRowsHaveUnitMeanSquare() {
        var stream = RandomStream(seed: 6, key: .testing)
        var values: [Double] = stream.draw(7 * 9) { 3 * $0.normal() }
        for c in 0..<9 { values[3 * 9 + c] = 0 }
        let storage = FeatureStorage(rows: 7, columns: 9, float64: values)
        let x: Matrix<Double> = storage.gathered(rows: Array(0..<7), normalization: .unitNorm)
        for r in 0..<7 where r != 3 {
            let meanSquare = x.row(r).reduce(0) { $0 + $1 * $1 } / 9
            #expect(abs(meanSquare - 1) < 1e-12, "row \(r)")
        }
        #expect(x.row(3) == [Double](repeating: 0, count: 9))
        let xf: Matrix<Float> = storage.gathered(rows: Array(0..<7), normalization: .unitNorm)
        #expect(xf.storage == x.storage.map { Float($0) })
    }

    /// Gathering selects rows in the given order and converts each element once: `Float(Double(b)·factor)`.
    @Test func scaleGathersSelectedRows() {
        let rows = [39, 0, 17, 17]
        var x = Matrix<Float>(rows: 4, columns: 6)
        Self.bytes.gather(rows: rows, normalization: .scale(1.0 / 255), into: &x)
        for (i, row) in rows.enumerated() {
            for c in 0..<6 { #expect(x[i, c] == Float(Self.bytes.value(row: row, column: c) * (1.0 / 255))) }
        }
        let view = Self.bytes.rows(10..<20)
        #expect(view.rows == 10 && view.row(0) == Self.bytes.row(10) && view.mappedFilePath == nil)
        #expect(Self.bytes.copying(rows: [5, 2]).allValues() == Self.bytes.row(5) + Self.bytes.row(2))
    }

    @Test func gatherWithTheWrongShapeTraps() async {
        await #expect(processExitsWith: .failure) {
            var x = Matrix<Float>(rows: 2, columns: 5)
            NormalizationTests.bytes.gather(rows: [0, 1], normalization: .none, into: &x)
        }
    }
}
