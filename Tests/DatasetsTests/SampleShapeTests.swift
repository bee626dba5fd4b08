import Foundation
import Testing

@testable import Datasets

/// The sample shape a convolutional network takes its input shape from, for each source that has one.
@Suite struct SampleShapeTests {
    /// IDX images `(5, 3, 4)` are 3×4×1 images; a 4-dimensional IDX file `(2, 2, 3, 2)` is 2×3×2; labels or
    /// rows `(n, k)` carry none. The shape survives subsampling and slicing.
    @Test func idxImagesAreHeightWidthOne() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.write(IDXFileTests.images, to: "\(directory)/images.idx")
            try Fixtures.write(IDXFileTests.labels, to: "\(directory)/labels.idx")
            let data = try Dataset.idx(
                images: "\(directory)/images.idx", labels: "\(directory)/labels.idx", cacheDirectory: nil)
            #expect(data.sampleShape == .image(height: 3, width: 4, channels: 1))
            #expect(data.sampleShape?.count == data.featureCount)
            #expect(data.copying(rows: [4, 1]).sampleShape == data.sampleShape)
            let color = IDXFileTests.idx(type: 0x08, shape: [2, 2, 3, 2], payload: [UInt8](repeating: 7, count: 24))
            try Fixtures.write(color, to: "\(directory)/color.idx")
            try Fixtures.write(IDXFileTests.idx(type: 0x08, shape: [2], payload: [0, 1]), to: "\(directory)/l2.idx")
            let colored = try Dataset.idx(
                images: "\(directory)/color.idx", labels: "\(directory)/l2.idx", cacheDirectory: nil)
            #expect(colored.sampleShape == .image(height: 2, width: 3, channels: 2))
            let flat = IDXFileTests.idx(type: 0x08, shape: [2, 6], payload: [UInt8](repeating: 1, count: 12))
            try Fixtures.write(flat, to: "\(directory)/flat.idx")
            let plain = try Dataset.idx(
                images: "\(directory)/flat.idx", labels: "\(directory)/l2.idx", cacheDirectory: nil)
            #expect(plain.sampleShape == nil)
        }
    }

    /// numpy arrays `(n, T, C)` are signals, `(n, H, W, C)` images, `(n, k)` plain vectors.
    @Test func npyArraysAreSignalsOrImages() throws {
        try Fixtures.withTemporaryDirectory { directory in
            try Fixtures.python(
                """
                import sys, numpy as np
                d = sys.argv[1]
                np.save(f"{d}/signal.npy", np.zeros((4, 10, 3), np.float32))
                np.save(f"{d}/image.npy", np.zeros((4, 5, 6, 2), np.float32))
                np.save(f"{d}/flat.npy", np.zeros((4, 7), np.float32))
                np.save(f"{d}/labels.npy", np.arange(4, dtype=np.int64) % 2)
                """, [directory])
            func shape(_ name: String) throws -> SampleShape? {
                try Dataset.npy(
                    features: "\(directory)/\(name).npy", labels: "\(directory)/labels.npy", cacheDirectory: nil
                ).sampleShape
            }
            #expect(try shape("signal") == .signal(length: 10, channels: 3))
            #expect(try shape("image") == .image(height: 5, width: 6, channels: 2))
            #expect(try shape("flat") == nil)
        }
    }

    @Test func bundledDigitsAreEightByEightImages() throws {
        let digits = try BundledDigits.load()
        #expect(digits.sampleShape == .image(height: 8, width: 8, channels: 1) && digits.featureCount == 64)
    }
}
