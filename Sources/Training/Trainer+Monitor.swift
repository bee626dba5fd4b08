import Checkpoints
import Foundation

extension Trainer {
    /// Feeds a validation result to the monitor: saves `checkpoints/best` when it is the best so far
    /// (`train.keep_best`), and returns the reason to stop when early stopping says so.
    func monitorEvaluation(_ result: EvaluationResult) throws -> String? {
        guard monitor.isActive else { return nil }
        let decision = monitor.observe(result)
        if decision.saveBest, let writer {
            let file = CheckpointFile.make(
                step: step, parameters: method.parameters, optimizerName: method.name, optimizerState: method.state,
                config: config)
            try file.write(to: writer.directory.checkpointsPath + "/best")
            logger.info("best checkpoint", metadata: ["step": "\(step)", "metric": "\(monitor.keepBest!)"])
        }
        if let reason = decision.stop {
            logger.info("early stopping", metadata: ["step": "\(step)", "why": "\(reason)"])
        }
        return decision.stop
    }
}
