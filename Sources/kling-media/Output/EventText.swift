import HTTP
import KlingRules
import MediaKit
import Pipeline
import Support

/// The pipeline's events as people read them: a line for each step, a status line for progress.
enum EventText {
    enum Line: Equatable {
        /// A step begun or done: worth a line of its own.
        case step(String)
        /// Live progress that the next one replaces.
        case progress(String)
    }

    /// The lines one event makes, in order.
    static func lines(_ event: PipelineEvent) -> [Line] {
        switch event {
        case .checked(let clip, let info, let verdict, let preparation):
            let seconds = Validator.measuredSeconds(info) ?? 0
            var line = "checked \(clip): \(Formatting.seconds(seconds))"
            if let video = info.primaryVideo, let width = video.displayWidth, let height = video.displayHeight { line += ", \(width)×\(height)" }
            let limit = KlingO1Limits().videoDuration.upperBound
            if case .last(let kept) = preparation?.trim, seconds > limit {
                // Valid only because its end is what goes: say so, not "valid".
                line += ": over the \(Formatting.seconds(limit)) limit; its last \(Formatting.seconds(kept)) will be sent"
            } else {
                line += verdict.warnings.isEmpty ? "; valid for Kling O1"
                    : "; valid for Kling O1 with \(Formatting.count(verdict.warnings.count, "warning"))"
            }
            if let aspect = verdict.aspect { line += "; aspect_ratio \(aspect.chosen.rawValue) (\(aspect.reason))" }
            var lines = [Line.step(line)] + verdict.warnings.map { .step("warning: \($0.message)") }
            if let preparation {
                let toneMapped = verdict.wantsToneMapping
                    ? info.primaryVideo?.highDynamicRange.map { ", tone-mapped from HDR (\($0)) to standard range" } ?? "" : ""
                lines.append(.step("the clip will be re-encoded before sending: \(describe(preparation))\(toneMapped)"))
            }
            return lines
        case .resumingEarlier(let id, let finished):
            return [.step("the same request was made \(finished ? "and finished" : "before") (continuation \(id)); going on from there")]
        case .alreadyDone(let paths):
            return [.step("already done: \(paths.joined(separator: ", "))")]
        case .savedEarlier(let shot, let path):
            return [.step("\(label(shot)): saved earlier: \(path)")]
        case .waitingForEarlierJob(let shot, let job):
            return [.step("\(label(shot)): job \(job) was submitted earlier; waiting for it")]
        case .preparing(let shot, let path, let options):
            return [.step("\(label(shot)): preparing \(path): \(describe(options))")]
        case .conforming(let shot, let done, let total):
            return [.progress("\(label(shot)): conforming \(percent(done, total))")]
        case .sending(let shot, let path, let report):
            return [.step("\(label(shot)): sending \(path) (\(report.width)×\(report.height), \(report.frameRate.frameRateText) fps, "
                          + "\(Formatting.seconds(report.duration)))")]
        case .uploading(let shot, let file, let progress):
            let total = progress.bytesToSend.map { " of " + Formatting.bytes($0) } ?? ""
            let name = URL(fileURLWithPath: file).lastPathComponent
            return [.progress("\(label(shot)): uploading \(name): \(Formatting.bytes(progress.bytesSent))\(total)")]
        case .uploaded(let shot, let file, let bytes, let how):
            let verb = switch how {
            case .sent: "uploaded"
            case .cached: "already uploaded:"
            case .sharedInThisRun: "already uploaded in this run:"
            }
            return [.step("\(label(shot)): \(verb) \(file) (\(Formatting.bytes(bytes)))")]
        case .awaitingSubmissionAnswer(let shot):
            return [.step("\(label(shot)): \(waitingForAnswer)")]
        case .submitted(let shot, let requestID, let aspect, let duration):
            return [.step("\(label(shot)): submitted (aspect_ratio \(aspect.rawValue), \(duration) s): request id \(requestID?.rawValue ?? "?")")]
        case .job(let shot, let event):
            return job(event, label: label(shot))
        case .saved(let shot, let path, let info):
            let video = info.primaryVideo
            return [.step("\(label(shot)): saved \(path) (\(video?.displayWidth ?? 0)×\(video?.displayHeight ?? 0), "
                          + "\(Formatting.seconds(video?.duration ?? info.format.duration ?? 0)))")]
        case .stitchingAhead(let prediction):
            return [.step("stitching ahead while the model works, for a \(prediction.width)×\(prediction.height) shot at "
                          + "\(prediction.frameRate.frameRateText) fps")]
        case .stitchingAheadProgress(let done, let total):
            return [.progress("stitching ahead: \(percent(done, total))")]
        case .stitchedAhead:
            return [.step("stitched ahead: when the shot comes, only its packets are copied in")]
        case .stitchAheadUnused(let reason):
            return [.step("\(reason); stitching it now instead")]
        case .stitching(let done, let total):
            return [.progress("stitching: \(percent(done, total))")]
        case .stitched(let output, let report):
            let copied = report.clips.filter { $0.action != .reencoded }.count
            let how = report.method == .streamCopy ? "stream copy" : "\(copied) of \(report.clips.count) clips passed through untouched"
            return [.step("stitched \(output): \(report.width)×\(report.height), \(Formatting.seconds(report.duration)) (\(how))")]
        case .seamsReviewed(let seams):
            return SeamText.lines(seams).map(Line.step)
        case .seamsUnavailable(let reason):
            return [.step("warning: no seam sheet: \(reason)")]
        }
    }

    /// What following a job says; `label` names it (a shot, or a request id).
    static func job(_ event: JobTracker.Event, label: String) -> [Line] {
        switch event {
        case .polled(let status, let waited):
            return [.progress("\(label): \(status.rawValue.lowercased()), \(Formatting.clock(Int(waited.components.seconds))) elapsed")]
        case .completed(let seconds):
            return [.step("\(label): COMPLETED, \(Formatting.clock(Int(seconds.rounded()))) after it was submitted")]
        case .downloading(let progress):
            return [.progress("\(label): \(downloading(progress))")]
        case .skipped(let skip):
            return [.step("\(label): skipped \(skip.url): \(skip.reason); trying the next result URL")]
        case .askedForFreshLinks(let reason):
            return [.step("\(label): the result's links did not lead to it: \(reason); asked for them again, trying the fresh ones")]
        case .journalFailed(let error):
            return [.step("\(label): warning: \(error)")]
        }
    }

    /// Said when a Ctrl-C waits for a submission's answer.
    static let waitingForAnswer = "waiting for Segmind's answer so the job is not lost; Ctrl-C again to stop waiting"

    /// "downloading 1.2 MB of 4.5 MB".
    static func downloading(_ progress: TransferProgress) -> String {
        let total = progress.bytesToReceive.map { " of " + Formatting.bytes($0) } ?? ""
        return "downloading \(Formatting.bytes(progress.bytesReceived))\(total)"
    }

    /// What conforming will do, in words: "its last 10 s, 24 fps, upright, square pixels, H.264".
    static func describe(_ options: ConformOptions) -> String {
        var parts: [String] = []
        switch options.trim {
        case .last(let seconds): parts.append("its last \(Formatting.seconds(seconds))")
        case .first(let seconds): parts.append("its first \(Formatting.seconds(seconds))")
        case nil: break
        }
        if let fit = options.fit { parts.append("scaled into \(fit.lowerBound)–\(fit.upperBound) px") }
        if let rate = options.frameRate { parts.append("\(rate.frameRateText) fps") }
        parts.append("upright, square pixels, H.264")
        return parts.joined(separator: ", ")
    }

    static func label(_ shot: ShotNumber) -> String { "shot \(shot.shot) of \(shot.of)" }

    static func percent(_ done: Double, _ total: Double) -> String {
        total > 0 ? "\(Int((min(done / total, 1) * 100).rounded(.down)))%" : "…"
    }
}
