import Foundation
import Tensors

extension Trainer {
    /// Ends training after the current step because the ranks agreed to stop (`StopRequest`): checks that
    /// the parameters agree, writes a checkpoint of this step on the coordinator (unless the step's regular
    /// checkpoint exists already), sends every rank's log records, and throws `TrainingInterrupted`. A
    /// collective: every rank calls it at the same step.
    func stopEarly(signal: Int32) throws -> Never {
        if settings.train.hashCheckEvery > 0 { try checkParametersAgree() }
        if let writer, !FileManager.default.fileExists(atPath: writer.directory.checkpointPath(step: step)) {
            let path = try writer.saveCheckpoint(
                step: step, parameters: method.parameters, methodName: method.name, state: method.state,
                config: config)
            observer?.checkpointDidSave(path: path, step: step)
        }
        logger.warning(
            "interrupted",
            metadata: [
                "signal": "\(StopRequest.name(signal))", "step": "\(step)",
                "fnv1a": "\(String(FNV1a.hash(values: method.parameters.values), radix: 16))",
            ])
        try gatherLogs()
        throw TrainingInterrupted(step: step, signal: signal, runDirectory: writer?.directory.path)
    }
}
