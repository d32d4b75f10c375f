import KlingRules
import MediaKit
import Support

/// What Segmind's endpoint refuses with 400, judged as `validate` judges the same parameters.
enum SubmissionRules {
    /// The clip a video URL names when it is a file uploaded to this simulator; nil for any other
    /// URL (the simulator never fetches one).
    static func uploadedClip(videoURL: String, uploadDirectory: String) -> String? {
        guard let range = videoURL.firstRange(of: "/uploads/") else { return nil }
        let name = videoURL[range.upperBound...].prefix { $0 != "?" && $0 != "/" }
        guard !name.isEmpty, !name.hasPrefix(".") else { return nil }
        let path = uploadDirectory + "/" + name
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The first error `validate` finds in an uploaded clip (the media rules need the file).
    static func mediaProblem(clip: MediaInfo) -> String? {
        let verdict = Validator().validate(ValidationRequest(video: clip))
        return verdict.errors.first.map { "video_url: the clip \($0.message)" }
    }

    static func problem(with body: SubmissionBody) -> String? {
        let limits = KlingO1Limits.current
        guard let prompt = body.prompt else { return "prompt is required" }
        guard let video = body.videoURL, URLText.isHTTP(video) else {
            return "video_url is required and must be an http(s) URL"
        }
        if let aspect = body.aspectRatio, AspectRatioOption(rawValue: aspect) == nil {
            return "aspect_ratio must be one of auto, 16:9, 9:16, 1:1"
        }
        if let duration = body.duration, !limits.outputDurations.contains(duration) {
            return "duration must be one of \(limits.outputDurations.map(String.init).joined(separator: ", "))"
        }
        let images = body.imageURLs ?? []
        if let bad = images.first(where: { !URLText.isHTTP($0) }) {
            return "image_urls must be http(s) URLs, got \(bad)"
        }
        for (number, element) in body.elements.enumerated()
        where !limits.elementReferenceImages.contains(element.referenceImageURLs.count) {
            return "elements[\(number)] needs 1 to 3 reference_image_urls, got \(element.referenceImageURLs.count)"
        }
        let findings = Validator(limits: limits).requestFindings(prompt: prompt, imageCount: images.count,
                                                                elementCount: body.elements.count)
        return findings.first { $0.severity == .error }.map { "\($0.subject): \($0.message)" }
    }

    /// Kling O1's standard sizes: 1280×720, 720×1280, 960×960. `auto` comes out 16:9 here, as
    /// the simulator does not fetch the input to look at it.
    /// The size Kling O1 (standard) returns for an aspect ratio; `auto` takes the fixed ratio
    /// nearest the clip as displayed, when the clip is known.
    static func outputSize(aspectRatio: String, clip: MediaInfo?) -> (width: Int, height: Int) {
        let size = KlingO1Output.size(KlingO1Output.aspect(AspectRatioOption(rawValue: aspectRatio) ?? .auto, clip: clip))
        return (size.width, size.height)
    }

}
