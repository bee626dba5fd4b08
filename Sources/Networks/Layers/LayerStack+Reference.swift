public import Tensors

/// A naive implementation of both passes, written from the formulas with plain loops in Double: no BLAS,
/// no im2col, no shared window code (even the padding is recomputed here). Tests check the fast kernels
/// against it. Far too slow for training.
extension LayerStack {
    /// Every layer's output, `N·shapes[l].count` values each, sample-major NHWC.
    public func referenceForward<S: BLASScalar>(_ input: Matrix<S>, parameters: [S]) -> [[Double]] {
        let theta = parameters.map(Double.init)
        var x = input.storage.map(Double.init)
        var outputs = [[Double]]()
        var unused = [Double](repeating: 0, count: layout.count)
        for l in layers.indices {
            x = referenceLayer(l, batch: input.rows, x: x, theta: theta, dY: nil, gradient: &unused).y
            outputs.append(x)
        }
        return outputs
    }

    /// `(∂L/∂θ, ∂L/∂X)` for `∂L/∂output = dOutput`, in Double.
    public func referenceBackward<S: BLASScalar>(
        _ input: Matrix<S>, parameters: [S], dOutput: Matrix<S>
    ) -> (gradient: [Double], dInput: [Double]) {
        let theta = parameters.map(Double.init)
        let outputs = referenceForward(input, parameters: parameters)
        var gradient = [Double](repeating: 0, count: layout.count)
        var dY = dOutput.storage.map(Double.init)
        for l in layers.indices.reversed() {
            let x = l == 0 ? input.storage.map(Double.init) : outputs[l - 1]
            dY = referenceLayer(l, batch: input.rows, x: x, theta: theta, dY: dY, gradient: &gradient).dX
        }
        return (gradient, dY)
    }

    /// `(out, pad_before)` along one axis, counting window positions one by one.
    static func referenceAxis(_ size: Int, _ kernel: Int, _ stride: Int, _ padding: Padding) -> (Int, Int) {
        var out = 0
        switch padding {
        case .valid:
            while out * stride + kernel <= size { out += 1 }
            return (out, 0)
        case .same:
            while out * stride < size { out += 1 }
            return (out, max((out - 1) * stride + kernel - size, 0) / 2)
        }
    }

    /// One layer: `y` from `x`, and when `dY` is given, `dX` with the parameter gradient added into `gradient`.
    func referenceLayer(
        _ l: Int, batch: Int, x: [Double], theta: [Double], dY: [Double]?, gradient: inout [Double]
    ) -> (y: [Double], dX: [Double]) {
        let input = inputShape(ofLayer: l)
        let (h, w, c) = input.rank == 1 ? (1, 1, input.count) : input.spatial
        let outCount = shapes[l].count
        var y = [Double](repeating: 0, count: batch * outCount)
        var dX = [Double](repeating: 0, count: batch * input.count)
        let dy = dY ?? [Double](repeating: 0, count: batch * outCount)
        let wOffset = weightViews[l]?.offset ?? 0
        let bOffset = biasViews[l]?.offset
        func addGradient(_ index: Int, _ value: Double) { gradient[index] += value }

        // Window layers: kernel, stride, padding, filters (nil: one output channel per input channel), kind.
        var window: (k: Size2D, s: Size2D, p: Padding, filters: Int?, kind: ReferenceWindow)? = nil
        switch layers[l] {
        case .dense:
            for n in 0..<batch {
                for o in 0..<outCount {
                    var sum = bOffset.map { theta[$0 + o] } ?? 0
                    for i in 0..<input.count { sum += theta[wOffset + o * input.count + i] * x[n * input.count + i] }
                    y[n * outCount + o] = sum
                    let d = dy[n * outCount + o]
                    if let bOffset { addGradient(bOffset + o, d) }
                    for i in 0..<input.count {
                        addGradient(wOffset + o * input.count + i, d * x[n * input.count + i])
                        dX[n * input.count + i] += d * theta[wOffset + o * input.count + i]
                    }
                }
            }
            return (y, dX)
        case .conv2D(let conv): window = (conv.kernel, conv.stride, conv.padding, conv.filters, .convolution)
        case .conv1D(let conv):
            window = (Size2D(1, conv.kernel), Size2D(1, conv.stride), conv.padding, conv.filters, .convolution)
        case .depthwiseConv2D(let d): window = (d.kernel, d.stride, d.padding, nil, .depthwise)
        case .maxPool2D(let p): window = (p.size, p.stride, p.padding, nil, .max)
        case .averagePool2D(let p): window = (p.size, p.stride, p.padding, nil, .average)
        case .globalAveragePool:
            for n in 0..<batch {
                for ch in 0..<c {
                    for p in 0..<(h * w) {
                        y[n * c + ch] += x[(n * h * w + p) * c + ch] / Double(h * w)
                        dX[(n * h * w + p) * c + ch] = dy[n * c + ch] / Double(h * w)
                    }
                }
            }
            return (y, dX)
        case .flatten:
            return (x, dy)
        case .activation(let activation):
            return (x.map { activation.value($0) }, zip(x, dy).map { activation.derivative($0.0) * $0.1 })
        case .relu6:
            return (x.map { min(max($0, 0), 6) }, zip(x, dy).map { $0.0 > 0 && $0.0 < 6 ? $0.1 : 0 })
        }
        guard let window else { return (y, dX) }
        let (kh, kw) = (window.k.height, window.k.width)
        let sh = input.rank == 2 ? 1 : window.s.height
        let (oh, padTop) = Self.referenceAxis(h, kh, sh, window.p)
        let (ow, padLeft) = Self.referenceAxis(w, kw, window.s.width, window.p)
        let outChannels = window.filters ?? c
        for n in 0..<batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for o in 0..<outChannels {
                        let yIndex = ((n * oh + oy) * ow + ox) * outChannels + o
                        let d = dy[yIndex]
                        var sum = bOffset.map { theta[$0 + o] } ?? 0
                        var best = -Double.infinity
                        var bestIndex = -1
                        var valid = 0
                        if let bOffset { addGradient(bOffset + o, d) }
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let iy = oy * sh - padTop + ky
                                let ix = ox * window.s.width - padLeft + kx
                                guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                                valid += 1
                                let channelRange = window.kind == .convolution ? 0..<c : o..<(o + 1)
                                for ci in channelRange {
                                    let xIndex = ((n * h + iy) * w + ix) * c + ci
                                    // OHWI for a convolution, (1, kh, kw, C) for a depthwise one.
                                    let tap =
                                        window.kind == .convolution
                                        ? ((o * kh + ky) * kw + kx) * c + ci : (ky * kw + kx) * c + ci
                                    let wIndex = wOffset + tap
                                    switch window.kind {
                                    case .convolution, .depthwise:
                                        sum += theta[wIndex] * x[xIndex]
                                        addGradient(wIndex, d * x[xIndex])
                                        dX[xIndex] += d * theta[wIndex]
                                    case .max:
                                        if x[xIndex] > best { (best, bestIndex) = (x[xIndex], xIndex) }
                                    case .average:
                                        sum += x[xIndex]
                                    }
                                }
                            }
                        }
                        switch window.kind {
                        case .max:
                            y[yIndex] = best
                            dX[bestIndex] += d
                        case .average:
                            y[yIndex] = sum / Double(valid)
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = oy * sh - padTop + ky
                                    let ix = ox * window.s.width - padLeft + kx
                                    guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                                    dX[((n * h + iy) * w + ix) * c + o] += d / Double(valid)
                                }
                            }
                        case .convolution, .depthwise: y[yIndex] = sum
                        }
                    }
                }
            }
        }
        return (y, dX)
    }
}

/// What a window layer of the reference computes over its window.
enum ReferenceWindow {
    case convolution, depthwise, max, average
}
