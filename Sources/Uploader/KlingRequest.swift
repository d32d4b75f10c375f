/// The parameters of one Kling O1 video-to-video reference job, as the API takes them.
public struct KlingRequest: Codable, Sendable, Equatable {
    public var prompt: String
    public var videoURL: String
    public var imageURLs: [String]
    public var aspectRatio: String
    public var duration: Int
    public var keepAudio: Bool

    public static let model = "kling-o1-video-to-video-reference"

    public init(prompt: String, videoURL: String, imageURLs: [String] = [], aspectRatio: String = "auto",
                duration: Int = 5, keepAudio: Bool = false) {
        self.prompt = prompt
        self.videoURL = videoURL
        self.imageURLs = imageURLs
        self.aspectRatio = aspectRatio
        self.duration = duration
        self.keepAudio = keepAudio
    }

    enum CodingKeys: String, CodingKey {
        case prompt
        case videoURL = "video_url"
        case imageURLs = "image_urls"
        case aspectRatio = "aspect_ratio"
        case duration
        case keepAudio = "keep_audio"
    }

    /// The same parameters with URL signatures removed: what may be stored or shown.
    public var redacted: KlingRequest {
        var copy = self
        copy.videoURL = Redaction.url(videoURL)
        copy.imageURLs = imageURLs.map(Redaction.url)
        return copy
    }
}

/// What a submission returns.
public struct Submission: Sendable, Equatable {
    public let requestID: String
    public let status: JobStatus
}

/// Segmind's states of a request.
public enum JobStatus: String, Codable, Sendable {
    case queued = "QUEUED"
    case processing = "PROCESSING"
    case completed = "COMPLETED"
    case failed = "FAILED"

    public var isFinal: Bool { self == .completed || self == .failed }
}

/// A poll's answer.
public struct StatusReport: Sendable, Equatable {
    public let status: JobStatus
    /// The failure's detail when FAILED.
    public let error: String?
}

/// A finished job's result.
public struct JobResult: Sendable, Equatable {
    public let requestID: String
    /// The output's URLs, the video first.
    public let outputURLs: [String]
    public var outputURL: String { outputURLs[0] }
}
