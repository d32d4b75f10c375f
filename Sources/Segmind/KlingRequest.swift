import Support
import KlingRules

/// The parameters of one Kling O1 video-to-video reference job, as the API takes them.
public struct KlingRequest: Codable, Sendable, Equatable {
    public var prompt: String
    public var videoURL: String
    public var imageURLs: [String]
    /// @Element1, @Element2…: omitted from the body when empty.
    public var elements: [KlingElement]
    public var aspectRatio: AspectRatioOption
    public var duration: Int
    public var keepAudio: Bool

    public static let model = "kling-o1-video-to-video-reference"

    public init(prompt: String, videoURL: String, imageURLs: [String] = [], elements: [KlingElement] = [],
                aspectRatio: AspectRatioOption = .auto, duration: Int = 5, keepAudio: Bool = false) {
        self.prompt = prompt
        self.videoURL = videoURL
        self.imageURLs = imageURLs
        self.elements = elements
        self.aspectRatio = aspectRatio
        self.duration = duration
        self.keepAudio = keepAudio
    }

    enum CodingKeys: String, CodingKey {
        case prompt
        case videoURL = "video_url"
        case imageURLs = "image_urls"
        case elements
        case aspectRatio = "aspect_ratio"
        case duration
        case keepAudio = "keep_audio"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try container.decode(String.self, forKey: .prompt)
        videoURL = try container.decode(String.self, forKey: .videoURL)
        imageURLs = try container.decodeIfPresent([String].self, forKey: .imageURLs) ?? []
        elements = try container.decodeIfPresent([KlingElement].self, forKey: .elements) ?? []
        aspectRatio = try container.decode(AspectRatioOption.self, forKey: .aspectRatio)
        duration = try container.decode(Int.self, forKey: .duration)
        keepAudio = try container.decode(Bool.self, forKey: .keepAudio)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(videoURL, forKey: .videoURL)
        try container.encode(imageURLs, forKey: .imageURLs)
        if !elements.isEmpty { try container.encode(elements, forKey: .elements) }
        try container.encode(aspectRatio, forKey: .aspectRatio)
        try container.encode(duration, forKey: .duration)
        try container.encode(keepAudio, forKey: .keepAudio)
    }

    /// The same parameters with URL signatures removed: what may be stored or shown.
    public var redacted: KlingRequest {
        var copy = self
        copy.videoURL = Redaction.url(videoURL)
        copy.imageURLs = imageURLs.map(Redaction.url)
        copy.elements = elements.map {
            KlingElement(frontalImageURL: Redaction.url($0.frontalImageURL), referenceImageURLs: $0.referenceImageURLs.map(Redaction.url))
        }
        return copy
    }
}

/// An element (@Element1…), as fal.ai's schema has it: a frontal image and 1 to 3 reference images.
public struct KlingElement: Codable, Sendable, Equatable {
    public var frontalImageURL: String
    public var referenceImageURLs: [String]

    public init(frontalImageURL: String, referenceImageURLs: [String]) {
        self.frontalImageURL = frontalImageURL
        self.referenceImageURLs = referenceImageURLs
    }

    enum CodingKeys: String, CodingKey {
        case frontalImageURL = "frontal_image_url"
        case referenceImageURLs = "reference_image_urls"
    }
}

/// What a submission returns.
public struct Submission: Sendable, Equatable {
    public let requestID: RequestID
    public let status: JobStatus
    /// Where the answer said to poll and fetch; used only when on the API's host.
    public let statusURL: String?
    public let responseURL: String?

    public init(requestID: RequestID, status: JobStatus, statusURL: String? = nil, responseURL: String? = nil) {
        self.requestID = requestID
        self.status = status
        self.statusURL = statusURL
        self.responseURL = responseURL
    }
}

/// Segmind's states of a request.
public enum JobStatus: String, Codable, Sendable {
    case queued = "QUEUED"
    case processing = "PROCESSING"
    case completed = "COMPLETED"
    case failed = "FAILED"

    public var isFinal: Bool { self == .completed || self == .failed }
}

/// A poll of a running job, as `waitForResult` reports it: what it found, and when it was due
/// (its wait for the model or its interval over). Its answer came later by the wait for the
/// request budget, and a job found done was done by the answer, not necessarily by when the poll
/// was due.
public struct JobPoll: Sendable, Equatable {
    public let status: JobStatus
    public let due: Date

    public init(status: JobStatus, due: Date) {
        self.status = status
        self.due = due
    }
}

/// A poll's answer.
public struct StatusReport: Sendable, Equatable {
    public let status: JobStatus
    /// The failure's detail when FAILED.
    public let error: String?
}

/// A finished job's result.
public struct JobResult: Sendable, Equatable {
    public let requestID: RequestID
    /// The output's URLs, the video first.
    public let outputURLs: [String]
    public var outputURL: String { outputURLs[0] }
}
