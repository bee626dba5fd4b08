import ArgumentParser
import Testing

@testable import Commands

/// The three `partita bench` commands share their sizes, batch and rounds options, checked in one place:
/// bad input is a usage error with one clear message, never a crash in the benchmark.
@Suite struct BenchmarkOptionsTests {
    static let badInputs: [([String], String)] = [
        (["bench", "curvature", "--rounds", "0"], "--rounds must be positive, not 0"),
        (["bench", "curvature", "--sizes", "4,-3,2"], "--sizes must be at least two positive integers"),
        (["bench", "curvature", "--sizes", "784"], "--sizes must be at least two positive integers"),
        (["bench", "curvature", "--batch=-1"], "--batch must be positive, not -1"),
        (["bench", "curvature", "--partition", "rows"], "The value 'rows' is invalid for '--partition <partition>'"),
        (["bench", "step", "--sizes", "784,abc,10"], "not '784,abc,10'"),
        (["bench", "step", "--steps", "0"], "--steps must be positive, not 0"),
        (["bench", "ddp", "--rounds", "0"], "--rounds must be positive, not 0"),
        (["bench", "ddp", "--sizes", "784,,10"], "--sizes must be at least two positive integers"),
        (["bench", "ddp", "--bucket-mb=-1"], "--bucket-mb must not be negative"),
    ]

    @Test(arguments: badInputs)
    func badInputIsAUsageError(_ arguments: [String], _ expected: String) {
        do {
            var command = try Partita.parseAsRoot(arguments)
            try command.validate()
            Issue.record("\(arguments) was accepted")
        } catch {
            let message = Partita.message(for: error)
            #expect(message.contains(expected), "\(message)")
            #expect(!message.contains("\n"), "\(message)")
            #expect(Partita.exitCode(for: error) == .validationFailure)
        }
    }

    @Test func defaultsAreEachCommandsOwn() throws {
        let step = try StepBenchmarkCommand.parse([])
        #expect(step.options.layerSizes == [784, 1024, 1024, 10] && step.options.batch == 256)
        #expect(step.options.rounds == 7 && step.steps == 5)
        let ddp = try DataParallelBenchmarkCommand.parse([])
        #expect(ddp.options.batch == 512 && ddp.options.rounds == 11 && ddp.steps == 8)
        let curvature = try CurvatureBenchmarkCommand.parse([])
        #expect(curvature.options.layerSizes == nil && curvature.options.batch == 256 && curvature.options.rounds == 5)
        let given = try CurvatureBenchmarkCommand.parse(["--sizes", " 4, 3 ,2", "--partition", "layer"])
        #expect(given.options.layerSizes == [4, 3, 2])
    }
}
