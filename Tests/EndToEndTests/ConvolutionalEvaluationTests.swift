import Foundation
import TestSupport
import Testing

/// `partita eval` of a convolutional checkpoint against an independent forward pass: numpy, in float64,
/// written from the formulas of docs/layers.md, reading the checkpoint with `safetensors` (tensors
/// `model.layers.N.weight` in OHWI) and the test images as stored (NHWC).
@Suite struct ConvolutionalEvaluationTests {
    /// Conv with stride 2 and same padding, relu6, depthwise, a same-padded max pool with stride 1 (odd
    /// padding), an average pool, a 1×1 conv (the direct GEMM), flatten, dense; 2 input channels.
    static let layers = [
        "conv2d 3 3x3 stride 2 same", "relu6", "depthwise 3x3 same", "tanh", "maxpool 2 stride 1 same", "avgpool 2",
        "conv2d 4 1x1", "flatten", "dense 4",
    ]

    static let script = #"""
        import json, sys
        import numpy as np
        from safetensors.numpy import load_file

        mode, directory = sys.argv[1], sys.argv[2]
        if mode == "data":
            rng = np.random.default_rng(7)
            for name, n in [("train", 240), ("test", 60)]:
                x = rng.normal(size=(n, 8, 8, 2)).astype(np.float32)
                y = (x[:, :4, :, 0].mean(axis=(1, 2)) > 0).astype(np.int64) * 2 + (x[..., 1].mean(axis=(1, 2)) > 0)
                np.save(f"{directory}/x_{name}.npy", x)
                np.save(f"{directory}/y_{name}.npy", y.astype(np.int64))
            sys.exit(0)

        t = {k: v.astype(np.float64) for k, v in load_file(sys.argv[3]).items()}
        x = np.load(f"{directory}/x_test.npy").astype(np.float64)
        labels = np.load(f"{directory}/y_test.npy")

        def placement(n, k, s, padding):
            if padding == "valid":
                return (n - k) // s + 1, 0
            out = -(-n // s)
            return out, max((out - 1) * s + k - n, 0) // 2

        def windows(x, kh, kw, sh, sw, padding):
            _, h, w, _ = x.shape
            oh, top = placement(h, kh, sh, padding)
            ow, left = placement(w, kw, sw, padding)
            for oy in range(oh):
                for ox in range(ow):
                    taps = [(ky, kx, oy * sh - top + ky, ox * sw - left + kx) for ky in range(kh) for kx in range(kw)]
                    yield oh, ow, oy, ox, [(ky, kx, iy, ix) for ky, kx, iy, ix in taps if 0 <= iy < h and 0 <= ix < w]

        def conv(x, w, b, stride, padding):
            o, kh, kw, _ = w.shape
            y = None
            for oh, ow, oy, ox, taps in windows(x, kh, kw, stride, stride, padding):
                if y is None:
                    y = np.zeros((x.shape[0], oh, ow, o))
                y[:, oy, ox, :] = b + sum(x[:, iy, ix, :] @ w[:, ky, kx, :].T for ky, kx, iy, ix in taps)
            return y

        def depthwise(x, w, b, padding):
            _, kh, kw, c = w.shape
            y = None
            for oh, ow, oy, ox, taps in windows(x, kh, kw, 1, 1, padding):
                if y is None:
                    y = np.zeros((x.shape[0], oh, ow, c))
                y[:, oy, ox, :] = b + sum(x[:, iy, ix, :] * w[0, ky, kx, :] for ky, kx, iy, ix in taps)
            return y

        def pool(x, size, stride, padding, reduce):
            y = None
            for oh, ow, oy, ox, taps in windows(x, size, size, stride, stride, padding):
                if y is None:
                    y = np.zeros((x.shape[0], oh, ow, x.shape[3]))
                y[:, oy, ox, :] = reduce(np.stack([x[:, iy, ix, :] for _, _, iy, ix in taps]), axis=0)
            return y

        h = conv(x, t["model.layers.0.weight"], t["model.layers.0.bias"], 2, "same")
        h = np.clip(h, 0, 6)
        h = np.tanh(depthwise(h, t["model.layers.2.weight"], t["model.layers.2.bias"], "same"))
        h = pool(h, 2, 1, "same", np.max)
        h = pool(h, 2, 2, "valid", np.mean)
        h = conv(h, t["model.layers.6.weight"], t["model.layers.6.bias"], 1, "valid")
        h = h.reshape(h.shape[0], -1)
        logits = h @ t["model.layers.8.weight"].T + t["model.layers.8.bias"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        print(json.dumps({
            "loss": float(-logp[np.arange(len(labels)), labels].mean()),
            "accuracy": float((logits.argmax(axis=1) == labels).mean()),
            "mean_confidence": float(np.exp(logp).max(axis=1).mean()),
            "shapes": {k: list(v.shape) for k, v in t.items()},
        }))
        """#

    /// Loss, accuracy and mean confidence of `partita eval --split test` equal numpy's within 1e-5 relative
    /// (the model runs in float32, numpy in float64), and the checkpoint's kernels have the documented shapes.
    @Test func evalMatchesAnIndependentNumpyForwardPass() throws {
        let directory = BuiltProducts.temporaryDirectory("partita-conv-eval")
        let scriptPath = directory + "/forward.py"
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let data = try BuiltProducts.run(ProjectPython.executable, [scriptPath, "data", directory])
        try #require(data.status == 0, "\(data.stderr)")
        let settings = [
            "data.name=npy", "data.features=\(directory)/x_train.npy", "data.labels=\(directory)/y_train.npy",
            "data.test_features=\(directory)/x_test.npy", "data.test_labels=\(directory)/y_test.npy",
            "data.validation=0", "data.normalize=none", "data.batch_size=30", "train.max_steps=40",
            "optimizer.name=adam", "optimizer.lr=0.01", "run.dir=\(directory)/runs", "run.name=conv",
            "model.layers=[" + Self.layers.joined(separator: ", ") + "]",
        ]
        let train = try BuiltProducts.run(
            BuiltProducts.partita, ["train", "--plain"] + settings.flatMap { ["--set", $0] })
        try #require(train.status == 0, "\(train.stderr)")
        let checkpoint = "\(directory)/runs/conv/checkpoints/latest"
        let eval = try BuiltProducts.run(BuiltProducts.partita, ["eval", checkpoint, "--split", "test", "--json"])
        try #require(eval.status == 0, "\(eval.stderr)")
        let ours = try #require(
            try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any], "\(eval.stdout)")
        let reference = try BuiltProducts.run(
            ProjectPython.executable,
            [scriptPath, "forward", directory, (checkpoint as NSString).resolvingSymlinksInPath])
        try #require(reference.status == 0, "\(reference.stderr)")
        let theirs = try #require(
            try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as? [String: Any], "\(reference.stdout)"
        )
        for key in ["loss", "mean_confidence"] {
            let a = try #require(ours[key] as? Double, "\(key) in \(eval.stdout)")
            let b = try #require(theirs[key] as? Double)
            #expect(Tolerance.relativeError(a, b) < 1e-5, "\(key): partita \(a), numpy \(b)")
        }
        #expect(ours["accuracy"] as? Double == theirs["accuracy"] as? Double, "\(eval.stdout) \(reference.stdout)")
        let shapes = try #require(theirs["shapes"] as? [String: [Int]])
        #expect(shapes["model.layers.0.weight"] == [3, 3, 3, 2], "conv kernels are OHWI: \(shapes)")
        #expect(shapes["model.layers.2.weight"] == [1, 3, 3, 3], "depthwise kernels are (1, kh, kw, C): \(shapes)")
        #expect(shapes["model.layers.6.weight"] == [4, 1, 1, 3])
        #expect(shapes["model.layers.8.weight"] == [4, 16])
    }
}
