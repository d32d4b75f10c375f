import KlingRules
import MediaKit
import Segmind
import Support
import Uploader

/// `continue --dry-run`: steps 1–3 against nothing remote. What would be sent, with local paths in
/// place of URLs; which files would be uploaded (the upload cache says which would not: their URLs
/// are not checked); the seconds of video that would be generated and billed.
public enum DryRun {
    public static func report(_ request: ContinuationRequest, uploader: FileUploader?, encoding: RequestEncoding = .documented,
                              events: PipelineEvents) async throws(PipelineError) -> DryRunReport {
        let check = try await ContinuationCheck(request)
        events(.checked(clip: request.source, info: check.clip, verdict: check.verdict, preparation: check.preparation))
        let output = FilePlan.output(for: request, reserving: false)
        let sent = check.preparation == nil ? request.source : FilePlan.sentPath(source: request.source, output: output, reserving: false)
        let body = KlingRequest(prompt: request.prompt, videoURL: sent, imageURLs: request.references,
                                elements: request.elements.map { KlingElement(frontalImageURL: $0[0], referenceImageURLs: Array($0.dropFirst())) },
                                aspectRatio: check.aspectRatio, duration: request.duration, keepAudio: request.keepAudio)
        let files = ([sent] + request.references + request.elements.joined()).filter { !URLText.isHTTP($0) }
        let uploads = files.map { path in
            let hash = SystemCalls.exists(path) ? try? ContentHash.sha256(ofFileAt: path) : nil
            let cached = hash.flatMap { uploader?.cache?.lookup(sha256: $0, backend: uploader?.backend.name ?? "") } != nil
            // A file still to be made (the cut or conformed clip) has no size yet.
            return DryRunReport.Upload(path: path, bytes: try? FileFacts.regularFileSize(path), cached: cached)
        }
        let generated = Double(request.duration * request.shots)
        let sourceSeconds = check.clip.primaryVideo?.duration ?? check.clip.format.duration ?? 0
        return DryRunReport(body: (try? JSONValue.decode(body.wireBody(encoding))) ?? .null, sentClip: sent,
                            preparation: check.preparation, uploads: uploads, generatedSeconds: generated, shots: request.shots,
                            stitchedSeconds: output.map { _ in sourceSeconds + generated - Double(request.shots) * request.crossfade },
                            output: output)
    }
}

/// `continue --dry-run`: the request body as it would be sent, local paths in place of URLs.
public struct DryRunReport: Encodable, Sendable {
    public struct Upload: Encodable, Sendable, Equatable {
        public let path: String
        /// Nil for a file still to be made.
        public let bytes: Int64?
        /// The upload cache knows these bytes (its URL is checked only when it is used).
        public let cached: Bool
    }

    /// Exactly as it would be sent (`KlingRequest.wireBody`).
    public let body: JSONValue
    /// The clip that would go as @Video1: the source, or the cut or conformed copy made first.
    public let sentClip: String
    /// What would be done to the clip first, if anything.
    public let preparation: ConformOptions?
    public let uploads: [Upload]
    /// Seconds of video the model would generate (and bill).
    public let generatedSeconds: Double
    public let shots: Int
    /// The stitched result's length, when one is asked for.
    public let stitchedSeconds: Double?
    public let output: String?

    enum CodingKeys: String, CodingKey {
        case body = "request_body"
        case sentClip = "sent_clip"
        case preparation, uploads, shots, output
        case generatedSeconds = "generated_seconds"
        case stitchedSeconds = "stitched_seconds"
    }
}
