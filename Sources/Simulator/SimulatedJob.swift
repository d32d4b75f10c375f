import Segmind
import Support

/// The parameters of a Kling O1 submission, as the simulator reads them.
struct SubmissionBody: Decodable, Sendable {
    let prompt: String?
    let videoURL: String?
    let imageURLs: [String]?
    let aspectRatio: String?
    let duration: Int?
    let keepAudio: Bool?
    let elements: [KlingElement]
    /// How they were spelled: `"5"` or `5`; a JSON-encoded string or an array.
    let durationWasText: Bool
    let elementsWereText: Bool

    enum CodingKeys: String, CodingKey {
        case prompt, elements
        case videoURL = "video_url"
        case imageURLs = "image_urls"
        case aspectRatio = "aspect_ratio"
        case duration
        case keepAudio = "keep_audio"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try container.decodeIfPresent(String.self, forKey: .prompt)
        videoURL = try container.decodeIfPresent(String.self, forKey: .videoURL)
        imageURLs = try container.decodeIfPresent([String].self, forKey: .imageURLs)
        aspectRatio = try container.decodeIfPresent(String.self, forKey: .aspectRatio)
        keepAudio = try container.decodeIfPresent(Bool.self, forKey: .keepAudio)
        // Segmind's examples send the duration as a string ("5"); its schema says integer.
        if let number = try? container.decodeIfPresent(Int.self, forKey: .duration) {
            duration = number
            durationWasText = false
        } else if let text = try container.decodeIfPresent(String.self, forKey: .duration) {
            duration = Int(text) ?? -1
            durationWasText = true
        } else {
            duration = nil
            durationWasText = false
        }
        // Documented as a string holding the list; an array is read too.
        if let list = try? container.decodeIfPresent([KlingElement].self, forKey: .elements) {
            elements = list
            elementsWereText = false
        } else if let text = try container.decodeIfPresent(String.self, forKey: .elements) {
            elements = try JSONDecoder().decode([KlingElement].self, from: Data(text.utf8))
            elementsWereText = true
        } else {
            elements = []
            elementsWereText = false
        }
    }

    /// The 400 a server that takes only one spelling gives for the other.
    func encodingProblem(accepting accepted: SimulatorConfiguration.AcceptedEncoding) -> String? {
        switch accepted {
        case .any: return nil
        case .documented:
            if duration != nil && !durationWasText { return "duration must be a string, as \"5\"" }
            if !elements.isEmpty && !elementsWereText { return "elements must be a JSON-encoded string" }
        case .native:
            if durationWasText { return "duration must be an integer (5 or 10)" }
            if elementsWereText { return "elements must be an array of objects" }
        }
        return nil
    }
}


/// One submitted job and the timeline it follows. Its times are wall-clock, and it is Codable, so
/// a simulator keeping its jobs on disk (`--state-dir`) answers for them after a restart.
struct SimulatedJob: Codable, Sendable {
    enum Status: String, Sendable {
        case queued = "QUEUED", processing = "PROCESSING", completed = "COMPLETED", failed = "FAILED"
        var isFinal: Bool { self == .completed || self == .failed }
    }

    let id: String
    let submitted: Date
    let width: Int
    let height: Int
    let seconds: Int
    /// keep_audio: the real model keeps the input's sound; the simulator adds a tone in its place.
    let audio: Bool
    let failure: String?
    /// The clip it continues, when it was uploaded to this simulator (a file in its uploads
    /// folder): the shot then starts from that clip's last frame. Nil for a clip elsewhere.
    var sourceClip: String?
    var outputReady = false

    enum CodingKeys: String, CodingKey {
        case id, submitted, width, height, seconds, audio, failure
        case sourceClip = "source_clip"
        case outputReady = "output_ready"
    }

    func status(at now: Date, configuration: SimulatorConfiguration) -> Status {
        let elapsed = now.timeIntervalSince(submitted)
        if elapsed < configuration.queueSeconds { return .queued }
        if elapsed < configuration.latency || (failure == nil && !outputReady) { return .processing }
        return failure == nil ? .completed : .failed
    }

    func isExpired(at now: Date, configuration: SimulatorConfiguration) -> Bool {
        now.timeIntervalSince(submitted) > configuration.recordLifetime
    }

    /// Segmind's metrics object, roughly: how long the job waited and ran.
    func metrics(at now: Date, configuration: SimulatorConfiguration) -> [String: Double] {
        let elapsed = max(0, now.timeIntervalSince(submitted))
        return ["queue_time": min(elapsed, configuration.queueSeconds),
                "inference_time": max(0, min(elapsed, configuration.latency) - configuration.queueSeconds)]
    }
}
