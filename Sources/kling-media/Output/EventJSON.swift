import Pipeline
import Support

/// The pipeline's events as JSON lines (with `--json`, on standard error, while the result's JSON
/// document goes to standard output): `{"event": "submitted", "shot": 1, "of": 1, "request_id": …}`.
enum EventJSON {
    static func line(_ event: PipelineEvent, source: EventSource? = nil) -> String {
        var fields = fields(event)
        if let source { fields[source.field.key] = source.field.value }
        return String(decoding: JSONValue.object(fields).encoded(), as: UTF8.self)
    }

    /// `{"event": "line_not_done", "line": 3, "state": "unusable", "exit_status": 2, "error": …}`:
    /// a batch line that ended not done, when it ends.
    static func lineNotDone(_ row: BatchRow) -> String {
        let fields: [String: JSONValue] = ["event": "line_not_done", "line": .number(Double(row.line)), "state": .string(row.state),
                                           "exit_status": .number(Double(row.exitStatus)), "error": .string(row.error ?? "")]
        return String(decoding: JSONValue.object(fields).encoded(), as: UTF8.self)
    }

    static func fields(_ event: PipelineEvent) -> [String: JSONValue] {
        func shot(_ number: ShotNumber, _ name: String, _ more: [String: JSONValue] = [:]) -> [String: JSONValue] {
            ["event": .string(name), "shot": .number(Double(number.shot)), "of": .number(Double(number.of))].merging(more) { $1 }
        }
        func number(_ value: Double) -> JSONValue { .number(value) }
        switch event {
        case .checked(let clip, _, let verdict, let preparation):
            return ["event": "checked", "clip": .string(clip), "warnings": .number(Double(verdict.warnings.count)),
                    "aspect_ratio": .string(verdict.aspect?.chosen.rawValue ?? "auto"), "re_encoded_before_sending": .bool(preparation != nil)]
        case .resumingEarlier(let id, let finished):
            return ["event": "resuming_earlier", "continuation_id": .string(id), "finished": .bool(finished)]
        case .alreadyDone(let paths):
            return ["event": "already_done", "paths": .array(paths.map(JSONValue.string))]
        case .savedEarlier(let n, let path):
            return shot(n, "saved_earlier", ["path": .string(path)])
        case .waitingForEarlierJob(let n, let job):
            return shot(n, "waiting_for_earlier_job", ["job": .string(job)])
        case .preparing(let n, let path, _):
            return shot(n, "preparing", ["path": .string(path)])
        case .conforming(let n, let done, let total):
            return shot(n, "conforming", ["done_seconds": number(done), "total_seconds": number(total)])
        case .sending(let n, let path, let report):
            return shot(n, "sending", ["path": .string(path), "width": number(Double(report.width)), "height": number(Double(report.height))])
        case .uploading(let n, let file, let progress):
            return shot(n, "uploading", ["file": .string(file), "bytes_sent": number(Double(progress.bytesSent))])
        case .uploaded(let n, let file, let bytes, let how):
            return shot(n, "uploaded", ["file": .string(file), "bytes": number(Double(bytes)), "how": .string(how.rawValue)])
        case .awaitingSubmissionAnswer(let n):
            return shot(n, "awaiting_submission_answer")
        case .submitted(let n, let id, let aspect, let duration):
            return shot(n, "submitted", ["request_id": id.map { .string($0.rawValue) } ?? .null, "aspect_ratio": .string(aspect.rawValue),
                                         "duration": number(Double(duration))])
        case .job(let n, let event):
            switch event {
            case .polled(let status, let waited):
                return shot(n, "polled", ["status": .string(status.rawValue), "waited_seconds": number(Double(waited.components.seconds))])
            case .completed(let seconds):
                return shot(n, "completed", ["seconds_after_submission": number(seconds.rounded())])
            case .downloading(let progress):
                return shot(n, "downloading", ["bytes_received": number(Double(progress.bytesReceived))])
            case .skipped(let skip):
                return shot(n, "skipped_result_url", ["url": .string(skip.url), "reason": .string(skip.reason)])
            case .askedForFreshLinks(let reason):
                return shot(n, "asked_for_fresh_links", ["reason": .string(reason)])
            case .journalFailed(let error):
                return shot(n, "journal_failed", ["error": .string(error.description)])
            }
        case .saved(let n, let path, _):
            return shot(n, "saved", ["path": .string(path)])
        case .stitchingAhead(let prediction):
            return ["event": "stitching_ahead", "width": .number(Double(prediction.width)), "height": .number(Double(prediction.height)),
                    "frame_rate": .string(prediction.frameRate.description), "frame_count": .number(Double(prediction.frameCount))]
        case .stitchingAheadProgress(let done, let total):
            return ["event": "stitching_ahead_progress", "done_seconds": number(done), "total_seconds": number(total)]
        case .stitchedAhead:
            return ["event": "stitched_ahead"]
        case .stitchAheadUnused(let reason):
            return ["event": "stitch_ahead_unused", "reason": .string(reason)]
        case .stitching(let done, let total):
            return ["event": "stitching", "done_seconds": number(done), "total_seconds": number(total)]
        case .stitched(let output, let report):
            return ["event": "stitched", "output": .string(output), "seconds": number(report.duration)]
        case .seamsReviewed(let seams):
            return ["event": "seams", "sheet": seams.sheet.map(JSONValue.string) ?? .null,
                    "joints": .array(seams.joints.map { .object(["time": number($0.time), "ssim": number($0.ssim), "delta_e": number($0.deltaE)]) })]
        case .seamsUnavailable(let reason):
            return ["event": "seams_unavailable", "reason": .string(reason)]
        }
    }
}
