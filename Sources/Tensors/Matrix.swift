/// A dense, row-major matrix of `rows × columns` scalars.
///
/// Element `(r, c)` is `storage[r * columns + c]`. Shapes in this package are written `(rows, columns)`,
/// e.g. a batch of inputs is `(batch, inputs)`. A vector is a plain `[Scalar]`.
public struct Matrix<Scalar: BLASScalar>: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Row-major elements; `storage.count == rows * columns` always holds.
    public var storage: [Scalar]

    /// A matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape (\(rows), \(columns))")
        self.rows = rows
        self.columns = columns
        self.storage = [Scalar](repeating: value, count: rows * columns)
    }

    /// A matrix over existing row-major storage.
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(
            storage.count == rows * columns,
            "Matrix: storage has \(storage.count) elements, shape (\(rows), \(columns)) needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from nested rows, all of the same length. Convenient in tests.
    public init(_ nestedRows: [[Scalar]]) {
        let columns = nestedRows.first?.count ?? 0
        precondition(nestedRows.allSatisfy { $0.count == columns }, "Matrix: rows of different lengths")
        self.init(rows: nestedRows.count, columns: columns, storage: nestedRows.flatMap { $0 })
    }

    /// `"(rows, columns)"`, for messages.
    public var shapeDescription: String { "(\(rows), \(columns))" }

    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// Row `r` as an array (a copy).
    public func row(_ r: Int) -> [Scalar] {
        Array(storage[(r * columns)..<((r + 1) * columns)])
    }

    /// Euclidean (Frobenius) norm, accumulated in Double.
    public var frobeniusNorm: Double {
        storage.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}
