import ArgumentParser
import KlingRules
import Pipeline

/// How a pipeline failure reaches the user: the verdict in full for invalid inputs (as `validate`
/// prints it, on standard error; with `--json`, in the failure document's details), one line on
/// standard error for every failure, and the exit status that belongs to it.
enum PipelineFailure {
    static func report(_ error: PipelineError, json: Bool, simulated: Bool, request: ContinuationRequest? = nil) -> ExitCode {
        switch error {
        case .invalid(let verdict, let clip, _):
            // Standard output is for results: the verdict is the story of why there is none.
            if json {
                FailureDocument.attach(ValidationReport(video: clip.format.filename, verdict: verdict, duration: request?.duration ?? 5,
                                                        keepAudio: request?.keepAudio ?? false))
            } else {
                Terminal.printError(VerdictText.render(verdict, video: clip))
            }
            // Its hint is part of the error's one line.
            Terminal.report(error)
        case .unreadable(let failures):
            for failure in failures { Terminal.report(failure) }
        case .cancelled(let resume):
            Terminal.reportFailure("interrupted; " + resume.text(simulated: simulated))
        case .download(let failure, let shot, let resume):
            Terminal.reportFailure("shot \(shot): \(failure); " + resume.text(simulated: simulated))
        default:
            Terminal.report(error)
        }
        return ExitStatus(error).code
    }
}
