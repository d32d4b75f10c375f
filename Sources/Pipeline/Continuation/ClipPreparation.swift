import KlingRules
import MediaKit

/// The clip a shot is made from, and the aspect ratio to ask for it: the source (cut or conformed
/// when needed) for the first shot, the shot before for the others.
struct ClipPreparation {
    let events: PipelineEvents

    func clip(for shot: Int, of record: ContinuationRecord, check: ContinuationCheck) async throws(PipelineError) -> (path: String, aspect: AspectRatioOption) {
        let request = record.request
        let number = ShotNumber(shot, of: request.shots)
        let source = shot == 1 ? request.source : record.shotPaths[shot - 2]
        var preparation = shot == 1 ? check.preparation : nil
        var aspect = check.aspectRatio
        if shot > 1 {
            // A generated shot should pass as it is; if the model made one it would refuse, fix it.
            let info = try probe(source)
            let verdict = Validator().validate(ValidationRequest(video: info, keepAudio: request.keepAudio, aspect: request.aspect))
            aspect = verdict.aspect?.chosen ?? .auto
            if !verdict.isValid { preparation = ConformOptions.proposed(for: verdict.errors.map(\.problem)).keepingKlingRates() }
        }
        guard var preparation else { return (source, aspect) }
        let target = shot == 1 ? record.sentPath : FilePlan.sentPath(source: source, output: nil)
        preparation.keepAudio = true
        // The record owns this path (a name chosen free when it was made): one left by an
        // interrupted run of it is ours to replace.
        preparation.replaceExisting = true
        events(.preparing(number, path: target, options: preparation))
        let report: ConformReport
        do throws(EditError) {
            let (events, steps) = (events, ProgressSteps())
            report = try await Conformer.conform(source, to: target, options: preparation) { done, total in
                if steps.isNewStep(done: done, total: total) { events(.conforming(number, done: done, total: total)) }
            }
        } catch {
            if error == .cancelled { throw .cancelled(resume: .runAgain(detail: "nothing was submitted")) }
            throw .edit(error)
        }
        let info = try probe(target)
        // The clip alone: the references and prompt were checked with the source.
        let verdict = Validator().validate(ValidationRequest(video: info, keepAudio: request.keepAudio, aspect: request.aspect))
        guard verdict.isValid else { throw .invalid(verdict, clip: info, hint: "even after conforming") }
        events(.sending(number, path: target, report: report))
        return (target, verdict.aspect?.chosen ?? aspect)
    }

    private func probe(_ path: String) throws(PipelineError) -> MediaInfo {
        do { return try Probe.file(atPath: path) } catch { throw .unreadable([error]) }
    }
}
