import Networks
import Testing

/// The layer specs of `model.layers` and the model summary `partita config` prints.
@Suite struct LayerSpecTests {
    static let lenet5 = [
        "conv2d 6 5x5 same", "tanh", "maxpool 2", "conv2d 16 5x5", "tanh", "maxpool 2", "flatten", "dense 120",
        "tanh", "dense 84", "tanh", "dense 10",
    ]

    static func stack(_ specs: [String], input: TensorShape) throws -> LayerStack {
        try LayerStack(input: input, layers: specs.enumerated().map { try Layer(spec: $0.element, index: $0.offset) })
    }

    @Test func specsParseToTheirLayers() throws {
        let cases: [(String, Layer)] = [
            ("dense 120", .dense(Dense(120))),
            ("dense 10 no-bias", .dense(Dense(10, bias: false))),
            ("conv2d 6 5x5 same", .conv2D(Conv2D(filters: 6, kernel: .square(5), padding: .same))),
            ("conv2d 8 3×1 stride 2", .conv2D(Conv2D(filters: 8, kernel: Size2D(3, 1), stride: .square(2)))),
            ("conv1d 16 5 stride 2 same", .conv1D(Conv1D(filters: 16, kernel: 5, stride: 2, padding: .same))),
            (
                "depthwise 3x3 same no-bias",
                .depthwiseConv2D(DepthwiseConv2D(kernel: .square(3), padding: .same, bias: false))
            ),
            ("maxpool 2", .maxPool2D(Pool2D(size: .square(2)))),
            ("avgpool 3 stride 1 same", .averagePool2D(Pool2D(size: .square(3), stride: .square(1), padding: .same))),
            ("maxpool1d 4", .maxPool1D(4)),
            ("avgpool1d 2 stride 1", .averagePool1D(2, stride: 1)),
            ("globalavgpool", .globalAveragePool), ("global_average_pool", .globalAveragePool),
            ("flatten", .flatten), ("relu6", .relu6), ("tanh", .activation(.tanh)), ("gelu", .activation(.gelu)),
        ]
        for (spec, layer) in cases { #expect(try Layer(spec: spec, index: 0) == layer, "\(spec)") }
    }

    @Test(arguments: [
        ("", "empty layer spec"), ("dense", "dense needs an output count"), ("dense 0", "positive integer"),
        ("conv2d 6", "needs a kernel size"), ("conv2d 6 5x", "KHxKW"), ("conv2d 6 5x5 stride", "needs a stride"),
        ("maxpool 2 no-bias", "unknown option 'no-bias'"), ("flatten 2", "takes no options"),
        ("dropout 0.5", "unknown layer 'dropout'"), ("dense 10 same", "unknown option 'same'"),
    ])
    func badSpecsNameTheLayerAndTheProblem(_ spec: String, _ expected: String) {
        #expect {
            try Layer(spec: spec, index: 3)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("layer 3 (\(spec)): ") && text.contains(expected)
        }
    }

    /// LeNet-5 on 28×28×1 against counts worked out by hand: a convolution has `C_out·(kh·kw·C_in + 1)`
    /// parameters and `OH·OW·C_out·kh·kw·C_in` MACs, a dense layer `out·(in + 1)` and `in·out`.
    @Test func lenet5SummaryMatchesHandCountedNumbers() throws {
        let stack = try Self.stack(Self.lenet5, input: .image(height: 28, width: 28, channels: 1))
        let conv1 = (parameters: 6 * (5 * 5 * 1 + 1), macs: 28 * 28 * 6 * 5 * 5 * 1)  // same: 28×28 out
        let conv2 = (parameters: 16 * (5 * 5 * 6 + 1), macs: 10 * 10 * 16 * 5 * 5 * 6)  // 14 − 5 + 1 = 10
        let fc1 = (parameters: 120 * (16 * 5 * 5 + 1), macs: 400 * 120)
        let fc2 = (parameters: 84 * (120 + 1), macs: 120 * 84)
        let fc3 = (parameters: 10 * (84 + 1), macs: 84 * 10)
        let expected = [conv1, (0, 0), (0, 0), conv2, (0, 0), (0, 0), (0, 0), fc1, (0, 0), fc2, (0, 0), fc3]
        let shapes = [
            [28, 28, 6], [28, 28, 6], [14, 14, 6], [10, 10, 16], [10, 10, 16], [5, 5, 16], [400], [120], [120], [84],
            [84], [10],
        ]
        for (row, (want, shape)) in zip(stack.summary, zip(expected, shapes)) {
            #expect(row.parameters == want.0 && row.macs == want.1, "layer \(row.index): \(row)")
            #expect(row.outputShape.dimensions == shape, "layer \(row.index)")
        }
        let totalParameters = expected.map(\.0).reduce(0, +)
        let totalMACs = expected.map(\.1).reduce(0, +)
        #expect(totalParameters == 61_706 && totalMACs == 416_520)  // the figures usually quoted for LeNet-5
        let table = stack.summaryTable()
        #expect(table.contains("Total params: 61,706 (241.04 KiB as float32)"), "\(table)")
        #expect(table.contains("MACs per sample: 416,520"))
        #expect(table.contains("Input: (28, 28, 1)   Output: (10)"))
        let conv2Row = try #require(table.first { $0.hasPrefix("3 conv2d 16 5×5") })
        #expect(conv2Row.contains("(10, 10, 16)") && conv2Row.hasSuffix("2,416   240,000"), "\(conv2Row)")
    }
}
