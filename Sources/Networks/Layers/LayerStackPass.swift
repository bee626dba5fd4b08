public import Tensors

/// What `LayerStack.forward` keeps for the backward pass.
///
/// `outputs[l]` is layer l's output `(N, shapes[l].count)`, each row one sample in NHWC order. A
/// convolution also keeps its im2col matrix `(N·OH·OW, kh·kw·C_in)` (none for a 1×1 stride-1 one, whose
/// input is its own), and a max pool the position of each output's maximum.
public struct LayerStackPass<Scalar: BLASScalar>: Sendable {
    /// `X (N, inputShape.count)`.
    public internal(set) var input: Matrix<Scalar>
    public internal(set) var outputs: [Matrix<Scalar>]
    /// Per layer: the im2col matrix of a convolution, empty otherwise.
    var columns: [[Scalar]]
    /// Per layer: for a max pool, the offset within the sample of the input element each output took.
    var argmax: [[Int32]]

    public init() {
        input = Matrix(rows: 0, columns: 0)
        outputs = []
        columns = []
        argmax = []
    }

    /// The network's output `(N, outputShape.count)`.
    public var output: Matrix<Scalar> { outputs[outputs.count - 1] }
    public var batch: Int { input.rows }

    /// The input of layer l: `X` for l = 0, the output of layer l − 1 otherwise.
    public func layerInput(_ l: Int) -> Matrix<Scalar> { l == 0 ? input : outputs[l - 1] }
}
