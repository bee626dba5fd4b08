/// One value of a TensorBoard summary, under a tag such as `train/loss`.
public enum SummaryValue: Sendable, Equatable {
    /// A point of a scalar curve. TensorBoard stores scalars as 32-bit floats (`simple_value`).
    case scalar(tag: String, value: Double)
    /// A histogram (the Histograms and Distributions dashboards).
    case histogram(tag: String, Histogram)
    /// Text for the text plugin (Markdown; a string tensor under plugin name "text").
    case text(tag: String, String)

    public var tag: String {
        switch self {
        case .scalar(let tag, _), .histogram(let tag, _), .text(let tag, _): tag
        }
    }
}
