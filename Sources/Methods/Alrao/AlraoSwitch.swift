import RealModule

/// The switch of van Erven, Grünwald and de Rooij ("Catching up faster by switching sooner", Algorithm 1),
/// as Alrao uses it to weigh its K output-layer copies, computed in log space in Double.
///
/// State: log-weights `w` of shape 2×K; row 0 = "may still switch", row 1 = "frozen", initialized to
/// `log θ − log K` and `log(1 − θ) − log K`. With the evidence ℓ_k = −(mean mini-batch loss of copy k) and
/// the switch prior π(t) = 1/(t + 1), t counting mini-batches from 1, each update is
///
///     w[r, k] += ℓ_k                                     (both rows)
///     pool     = logsumexp(w[0, :]) + log π(t)
///     w[0, :] += log(1 − π(t))
///     w[0, k]  = logaddexp(w[0, k], log θ + pool − log K)
///     w[1, k]  = logaddexp(w[1, k], log(1 − θ) + pool − log K)
///     w       −= logsumexp(w)                            (normalize)
///     log a_k  = logaddexp(w[0, k], w[1, k])             (the posterior)
///
/// with θ = 0.9999 by default. With K = 1 the update is skipped. (methods.md §2.1)
public struct AlraoSwitch: Sendable, Equatable {
    public let copies: Int
    public let theta: Double
    /// Row-major 2×K log-weights.
    public private(set) var logWeights: [Double]
    /// The number of updates so far plus one (the t of the next update).
    public private(set) var t: Int

    public init(copies: Int, theta: Double = 0.9999) {
        precondition(copies >= 1, "AlraoSwitch: need at least one copy")
        precondition(theta > 0 && theta < 1, "AlraoSwitch: θ must be in (0, 1), got \(theta)")
        self.copies = copies
        self.theta = theta
        let logK = Double.log(Double(copies))
        logWeights =
            [Double](repeating: Double.log(theta) - logK, count: copies)
            + [Double](repeating: Double.log(1 - theta) - logK, count: copies)
        t = 1
    }

    /// Restores a saved state; nil when it does not fit `copies`.
    public init?(copies: Int, theta: Double = 0.9999, logWeights: [Double], t: Int) {
        guard logWeights.count == 2 * copies, t >= 1 else { return nil }
        self.init(copies: copies, theta: theta)
        self.logWeights = logWeights
        self.t = t
    }

    /// `log a_k`, the log posterior of each copy.
    public var logPosterior: [Double] {
        (0..<copies).map { Self.logAddExp(logWeights[$0], logWeights[copies + $0]) }
    }

    /// The posterior `a_k`.
    public var posterior: [Double] { logPosterior.map { Double.exp($0) } }

    /// One update with each copy's mean mini-batch loss (the evidence is its negative).
    public mutating func update(meanLosses: [Double]) {
        precondition(meanLosses.count == copies, "AlraoSwitch: \(meanLosses.count) losses for \(copies) copies")
        guard copies > 1 else { return }
        let logK = Double.log(Double(copies))
        for k in 0..<copies {
            logWeights[k] -= meanLosses[k]
            logWeights[copies + k] -= meanLosses[k]
        }
        let switchPrior = 1 / Double(t + 1)
        let pool = Self.logSumExp(logWeights[0..<copies]) + Double.log(switchPrior)
        for k in 0..<copies {
            logWeights[k] += Double.log(1 - switchPrior)
            logWeights[k] = Self.logAddExp(logWeights[k], Double.log(theta) + pool - logK)
            logWeights[copies + k] = Self.logAddExp(logWeights[copies + k], Double.log(1 - theta) + pool - logK)
        }
        let total = Self.logSumExp(logWeights[...])
        for i in logWeights.indices { logWeights[i] -= total }
        t += 1
    }

    /// log(eᵃ + eᵇ), stable; −∞ is the identity.
    public static func logAddExp(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let m = max(a, b)
        return m + Double.log(onePlus: Double.exp(-abs(a - b)))
    }

    /// log Σ eˣ, stable; −∞ for an empty or all −∞ input.
    public static func logSumExp(_ values: ArraySlice<Double>) -> Double {
        guard let m = values.max(), m > -.infinity else { return -.infinity }
        return m + Double.log(values.reduce(0) { $0 + Double.exp($1 - m) })
    }
}
