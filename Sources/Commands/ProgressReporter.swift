import Foundation
import Training

/// Shows a run's progress: a redrawn bar on a terminal (step/s, loss, ETA), plain lines otherwise.
final class ProgressReporter: TrainingObserver {
    let bar: Bool
    private var plan: TrainingPlan?
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var smoothedStepTime: Double?
    private var drawn = false

    init(bar: Bool) {
        self.bar = bar
    }

    func trainingWillStart(_ plan: TrainingPlan) {
        self.plan = plan
        started = Date()
        let resumed = plan.startStep > 0 ? ", resuming at step \(plan.startStep)" : ""
        emit(
            "training \(plan.parameterCount) parameters on \(plan.worldSize) rank(s): \(plan.totalSteps) steps, "
                + "\(plan.stepsPerEpoch) per epoch, global batch \(plan.globalBatch)\(resumed)")
    }

    func stepDidFinish(_ progress: StepProgress) {
        // An exponential moving average keeps the rate and the ETA steady.
        smoothedStepTime = smoothedStepTime.map { 0.9 * $0 + 0.1 * progress.stepTime } ?? progress.stepTime
        let rate = 1 / max(smoothedStepTime ?? 1, 1e-9)
        let remaining = Double(progress.totalSteps - progress.step) / rate
        if bar {
            let now = Date()
            guard now.timeIntervalSince(lastDraw) > 0.1 || progress.step == progress.totalSteps else { return }
            lastDraw = now
            let fraction = Double(progress.step) / Double(max(progress.totalSteps, 1))
            let width = 24
            let filled = Int(fraction * Double(width))
            let barText =
                String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            let line = String(
                format: "\r step %d/%d [%@] %3.0f%%  %.1f step/s  loss %.4f  ETA %@ ", progress.step,
                progress.totalSteps, barText, 100 * fraction, rate, progress.loss, Self.duration(remaining))
            Console.write(line, to: STDERR_FILENO)
            drawn = true
        } else if progress.step == progress.totalSteps
            || (progress.step % max(plan?.logEvery ?? 1, 1) == 0 && Date().timeIntervalSince(lastDraw) >= 2)
        {
            // Plain lines (logs, CI): at most one every 2 seconds, on logging steps, plus the last step.
            lastDraw = Date()
            emit(
                String(
                    format: "step %d/%d  epoch %d  loss %.4f  lr %.4g  %.1f step/s  ETA %@", progress.step,
                    progress.totalSteps, progress.epoch, progress.loss, progress.learningRate, rate,
                    Self.duration(remaining)))
        }
    }

    func evaluationDidFinish(_ result: EvaluationResult) {
        var text = String(format: "%@ at step %d: loss %.4f", result.split, result.step, result.loss)
        if let accuracy = result.accuracy { text += String(format: ", accuracy %.2f%%", 100 * accuracy) }
        emit(text + " (\(result.count) samples)")
    }

    func checkpointDidSave(path: String, step: Int) {}

    func trainingDidFinish(_ summary: TrainingSummary) {
        emit(
            String(
                format: "finished %d steps in %@ (%.0f samples/s)", summary.steps, Self.duration(summary.seconds),
                summary.samplesPerSecond))
    }

    /// Prints a line, first clearing the bar if one is drawn.
    private func emit(_ text: String) {
        if drawn {
            Console.write("\r\u{1B}[K", to: STDERR_FILENO)
            drawn = false
        }
        Console.error(text)
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
