import Datasets
import Foundation

/// Decodes the PNGs Chromium writes for screenshots (8-bit RGB or RGBA, not interlaced), so a test can
/// check that a rendered page is not blank. The zlib stream is inflated by Datasets' `Gzip`, whose
/// `inflateInit2` accepts zlib headers as well as gzip's.
struct PNGImage {
    let width: Int
    let height: Int
    let channels: Int
    /// Row-major samples, `channels` per pixel.
    let samples: [UInt8]

    init(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count > 8, bytes.prefix(8).elementsEqual([137, 80, 78, 71, 13, 10, 26, 10]) else {
            throw PNGError("\(path): not a PNG file")
        }
        func be32(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8
        var header: (width: Int, height: Int, depth: UInt8, color: UInt8, interlace: UInt8)?
        var compressed: [UInt8] = []
        while offset + 8 <= bytes.count {
            let length = be32(offset)
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length <= bytes.count else { throw PNGError("\(path): chunk \(type) is truncated") }
            if type == "IHDR" {
                header = (be32(body), be32(body + 4), bytes[body + 8], bytes[body + 9], bytes[body + 12])
            } else if type == "IDAT" {
                compressed += bytes[body..<body + length]
            }
            offset = body + length + 4
        }
        guard let header, header.depth == 8, header.color == 2 || header.color == 6, header.interlace == 0 else {
            throw PNGError("\(path): only 8-bit RGB/RGBA non-interlaced PNGs are decoded here")
        }
        width = header.width
        height = header.height
        channels = header.color == 2 ? 3 : 4
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("png-\(UUID()).z").path
        try Data(compressed).write(to: URL(fileURLWithPath: temporary))
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let filtered = try Gzip.decompress(path: temporary)
        samples = try Self.unfilter(filtered, width: width, height: height, channels: channels)
    }

    /// Undoes the per-row filters of the PNG specification (None, Sub, Up, Average, Paeth).
    static func unfilter(_ data: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        let stride = width * channels
        guard data.count == height * (stride + 1) else {
            throw PNGError("image data is \(data.count) bytes, expected \(height * (stride + 1))")
        }
        var out = [UInt8](repeating: 0, count: height * stride)
        try out.withUnsafeMutableBufferPointer { out in
            try data.withUnsafeBufferPointer { data in
                for row in 0..<height {
                    let filter = data[row * (stride + 1)]
                    let input = row * (stride + 1) + 1
                    let base = row * stride
                    for i in 0..<stride {
                        let a = i >= channels ? Int(out[base + i - channels]) : 0
                        let b = row > 0 ? Int(out[base - stride + i]) : 0
                        let c = row > 0 && i >= channels ? Int(out[base - stride + i - channels]) : 0
                        let predictor: Int
                        switch filter {
                        case 0: predictor = 0
                        case 1: predictor = a
                        case 2: predictor = b
                        case 3: predictor = (a + b) / 2
                        case 4:
                            let p = a + b - c
                            let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                            predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                        default: throw PNGError("row \(row) has unknown filter \(filter)")
                        }
                        out[base + i] = UInt8(truncatingIfNeeded: Int(data[input + i]) + predictor)
                    }
                }
            }
        }
        return out
    }

    /// The fraction of pixels with any color channel below `threshold` (0 = black, 255 = white).
    func nonWhiteFraction(threshold: UInt8 = 240) -> Double {
        var count = 0
        for pixel in 0..<(width * height) {
            let start = pixel * channels
            if samples[start] < threshold || samples[start + 1] < threshold || samples[start + 2] < threshold {
                count += 1
            }
        }
        return Double(count) / Double(max(width * height, 1))
    }
}

struct PNGError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
