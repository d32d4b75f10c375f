import FoundationEssentials
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


/// One submitted job and the timeline it follows.
struct SimulatedJob: Sendable {
    enum Status: String, Sendable {
        case queued = "QUEUED", processing = "PROCESSING", completed = "COMPLETED", failed = "FAILED"
        var isFinal: Bool { self == .completed || self == .failed }
    }

    let id: String
    let submitted: ContinuousClock.Instant
    let width: Int
    let height: Int
    let seconds: Int
    /// keep_audio: the real model keeps the input's sound; the simulator, which never fetches the
    /// input, adds a tone in its place.
    let audio: Bool
    let failure: String?
    var outputReady = false

    func status(at now: ContinuousClock.Instant, configuration: SimulatorConfiguration) -> Status {
        let elapsed = submitted.duration(to: now)
        if elapsed < .seconds(configuration.queueSeconds) { return .queued }
        if elapsed < .seconds(configuration.latency) || (failure == nil && !outputReady) { return .processing }
        return failure == nil ? .completed : .failed
    }

    func isExpired(at now: ContinuousClock.Instant, configuration: SimulatorConfiguration) -> Bool {
        submitted.duration(to: now) > .seconds(configuration.recordLifetime)
    }

    /// Segmind's metrics object, roughly: how long the job waited and ran.
    func metrics(at now: ContinuousClock.Instant, configuration: SimulatorConfiguration) -> [String: Double] {
        let elapsed = seconds(submitted.duration(to: now))
        return ["queue_time": min(elapsed, configuration.queueSeconds),
                "inference_time": max(0, min(elapsed, configuration.latency) - configuration.queueSeconds)]
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
