public import Configuration
/// A failure to inject on purpose, for testing how a job fails: `PARTITA_FAULT=<kind>:rank=<r>:step=<s>`.
///
/// - `nan`: rank r's loss becomes NaN at step s (the non-finite-loss check must name the rank and step);
/// - `hang`: rank r stops responding before step s's gradient all-reduce (the other ranks' collective
///   watchdog must end the job);
/// - `exit`: rank r exits with status 3 at step s, without a word (mpirun must end the job): the trainer
///   throws `InjectedExit`, and the command-line funnel ends the process with status 3 (libraries never exit).
/// - `wait`: rank r waits at step s until it is asked to stop (a signal, `StopRequest`), then finishes the
///   step: a test can signal a job known to be in the middle of training.
public struct FaultInjection: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case nan, hang, exit, wait
    }

    public let kind: Kind
    public let rank: Int
    public let step: Int

    public init(kind: Kind, rank: Int, step: Int) {
        self.kind = kind
        self.rank = rank
        self.step = step
    }

    /// Parses the variable's value; nil (with the reason) when malformed.
    public static func parse(_ text: String) -> Result<FaultInjection, ConfigError> {
        let parts = text.split(separator: ":").map(String.init)
        let invalid = ConfigError(
            location: "PARTITA_FAULT=\(text)", message: "expected <nan|hang|exit|wait>:rank=<r>:step=<s>")
        guard parts.count == 3, let kind = Kind(rawValue: parts[0]), parts[1].hasPrefix("rank="),
            parts[2].hasPrefix("step="), let rank = Int(parts[1].dropFirst(5)), let step = Int(parts[2].dropFirst(5))
        else { return .failure(invalid) }
        return .success(FaultInjection(kind: kind, rank: rank, step: step))
    }

    /// Thrown by the trainer for an injected `exit`; the CLI ends the process with status 3 without
    /// reporting it.
    public struct InjectedExit: Error, CustomStringConvertible {
        public let rank: Int
        public let step: Int
        public var description: String { "fault injection: rank \(rank) exits at step \(step)" }
    }

    func applies(rank: Int, step: Int) -> Bool { self.rank == rank && self.step == step }
}
