import ArgumentParser
import KlingRules
import Pipeline

/// How a pipeline failure reaches the user: the verdict in full for invalid inputs (as `validate`
/// prints it), one line on standard error for the rest, and the exit status that belongs to it.
enum PipelineFailure {
    static func report(_ error: PipelineError, json: Bool, simulated: Bool, request: ContinuationRequest? = nil) -> ExitCode {
        switch error {
        case .invalid(let verdict, let clip, let hint):
            if json {
                JSONOutput.print(ValidationReport(video: clip.format.filename, verdict: verdict, duration: request?.duration ?? 5,
                                                  keepAudio: request?.keepAudio ?? false))
            } else {
                Terminal.print(VerdictText.render(verdict, video: clip))
            }
            if let hint { Terminal.printError("kling-media: \(hint)") }
        case .unreadable(let failures):
            for failure in failures { Terminal.report(failure) }
        case .cancelled(let resume):
            Terminal.printError("kling-media: interrupted; " + resume.text(simulated: simulated))
        default:
            Terminal.report(error)
        }
        return ExitStatus(error).code
    }
}
