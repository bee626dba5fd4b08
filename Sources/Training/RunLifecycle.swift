import Checkpoints
public import Cluster

/// The life of a run directory, shared by `partita train` (`TrainingSession`) and the Gauss-Newton study
/// (`partita gauss-newton`): `config.yaml` and `run.json` ("running") are written before the work starts, and
/// `run.json` records how it ended, `completed`, `interrupted` (the step and the signal) or `failed` (the
/// error), so a reader (`partita logs --follow --until-finished`, the report) always learns the outcome.
public enum RunLifecycle {
    /// Runs `body` inside the run directory's lifecycle. Only the coordinator has a `directory`; the other
    /// ranks run `body` alone. `afterFailure` gets the directory's path once `run.json` says the run failed
    /// or was interrupted (the command writes the report then). `stopReason` says why a completed run ended
    /// before its planned steps (early stopping), for run.json. Errors from `body` are rethrown.
    public static func run<Result>(
        in directory: RunDirectory?, info: RunInfo, configText: String,
        afterFailure: ((String) -> Void)? = nil, stopReason: (Result) -> String? = { _ in nil },
        _ body: () throws -> Result
    ) throws -> Result {
        var info = info
        if let directory {
            try AtomicFile.write(string: configText, to: directory.configPath)
            try AtomicFile.write(string: info.json, to: directory.runInfoPath)
        }
        do {
            let result = try body()
            info.stopReason = stopReason(result)
            info.finish(status: "completed")
            if let directory { try AtomicFile.write(string: info.json, to: directory.runInfoPath) }
            return result
        } catch let interrupted as TrainingInterrupted {
            info.finish(status: "interrupted")
            info.interruption = (interrupted.step, StopRequest.name(interrupted.signal))
            if let directory {
                try? AtomicFile.write(string: info.json, to: directory.runInfoPath)
                afterFailure?(directory.path)
            }
            throw interrupted
        } catch {
            info.finish(status: "failed", error: "\(error)")
            if let directory {
                try? AtomicFile.write(string: info.json, to: directory.runInfoPath)
                afterFailure?(directory.path)
            }
            throw error
        }
    }
}
