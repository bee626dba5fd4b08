/// Names an independent random stream: what it is for (`purpose`) and which one of those (`index`, e.g.
/// a layer or an epoch). Streams with different keys never overlap.
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    public var purpose: UInt32
    public var index: UInt32

    public init(purpose: UInt32, index: UInt32 = 0) {
        self.purpose = purpose
        self.index = index
    }

    /// The same purpose with another index.
    public func with(index: Int) -> StreamKey {
        precondition(index >= 0 && index <= Int(UInt32.max), "StreamKey: index \(index) out of range")
        return StreamKey(purpose: purpose, index: UInt32(index))
    }

    /// The 64 bits that go into Philox's counter.
    public var rawValue: UInt64 { UInt64(purpose) << 32 | UInt64(index) }

    public var description: String { "\(purpose):\(index)" }
}

/// A seeded, counter-based stream of random bits: Philox4x32-10 keyed by the seed, with the stream id in
/// the high half of the counter and the block number in the low half.
///
/// Its whole state is `(seed, stream, position)`, three integers a checkpoint can store and any process can
/// recreate: the word at `position` is the same wherever and whenever it is computed.
public struct RandomStream: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    public let stream: UInt64
    /// The number of 32-bit words drawn so far.
    public private(set) var position: UInt64

    private var cachedBlockIndex: UInt64 = .max
    private var cachedBlock: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)

    public init(seed: UInt64, stream: UInt64, position: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
        self.position = position
    }

    public init(seed: UInt64, key: StreamKey, position: UInt64 = 0) {
        self.init(seed: seed, stream: key.rawValue, position: position)
    }

    /// The next 32 random bits.
    public mutating func next32() -> UInt32 {
        let word = word(at: position)
        position &+= 1
        return word
    }

    /// The next 64 random bits (two 32-bit words, the first one high).
    public mutating func next() -> UInt64 {
        let high = UInt64(next32())
        return high << 32 | UInt64(next32())
    }

    mutating func word(at position: UInt64) -> UInt32 {
        let blockIndex = position >> 2
        if blockIndex != cachedBlockIndex {
            cachedBlock = Philox4x32.block(
                counter: (
                    UInt32(truncatingIfNeeded: blockIndex), UInt32(truncatingIfNeeded: blockIndex >> 32),
                    UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)
                ),
                key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
            cachedBlockIndex = blockIndex
        }
        switch position & 3 {
        case 0: return cachedBlock.0
        case 1: return cachedBlock.1
        case 2: return cachedBlock.2
        default: return cachedBlock.3
        }
    }
}

extension RandomStream: Equatable {
    /// Two streams are equal when they will produce the same words from now on.
    public static func == (lhs: RandomStream, rhs: RandomStream) -> Bool {
        lhs.seed == rhs.seed && lhs.stream == rhs.stream && lhs.position == rhs.position
    }
}

extension StreamKey {
    /// Every purpose Partita draws random numbers for, in one place so no two ever share a stream.
    /// Index conventions are given per purpose.
    public static let initialization = StreamKey(purpose: 1)  // index: layer
    public static let dataSplit = StreamKey(purpose: 2)  // index: 0
    public static let dataShuffle = StreamKey(purpose: 3)  // index: epoch
    public static let dataGeneration = StreamKey(purpose: 4)  // index: generator-specific
    public static let alraoLearningRates = StreamKey(purpose: 5)  // index: layer
    public static let probeBatch = StreamKey(purpose: 6)  // index: 0
    public static let curvatureBatch = StreamKey(purpose: 7)  // index: refresh
    public static let variationalNoise = StreamKey(purpose: 8)  // index: step (per rank: + rank offset)
    public static let propagationExperiment = StreamKey(purpose: 9)  // index: the widths (see Diagnostics)
    public static let testing = StreamKey(purpose: 99)  // index: free, for tests only
}
