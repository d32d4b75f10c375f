import KlingRules
import Support

/// How a submission's body spells the two fields Segmind's reference is of two minds about.
///
/// Its parameter table says `duration` is an integer, but its example payload (and so the SDK,
/// which sends what it is given) sends the string `"5"`; `elements` is documented as a string
/// holding the JSON list of `{frontal_image_url, reference_image_urls}`. The example's spelling is
/// the default. A 400 is not a job, so when one names a field the client tries the other spelling
/// once, and the one Segmind took is remembered (`RequestEncodingMemory`).
public struct RequestEncoding: Codable, Sendable, Equatable {
    public enum Duration: String, Codable, Sendable { case text, integer }
    public enum Elements: String, Codable, Sendable { case jsonText = "json_text", array }

    public var duration: Duration
    public var elements: Elements

    public init(duration: Duration = .text, elements: Elements = .jsonText) {
        self.duration = duration
        self.elements = elements
    }

    /// As Segmind's own example sends it.
    public static let documented = RequestEncoding()
    /// As the parameter table types it.
    public static let native = RequestEncoding(duration: .integer, elements: .array)
}

extension KlingRequest {
    /// The body as sent: `image_urls` and `elements` left out when empty.
    public func wireBody(_ encoding: RequestEncoding) -> [UInt8] {
        var fields: [String: JSONValue] = [
            "prompt": .string(prompt),
            "video_url": .string(videoURL),
            "aspect_ratio": .string(aspectRatio.rawValue),
            "keep_audio": .bool(keepAudio),
        ]
        fields["duration"] = encoding.duration == .text ? .string(String(duration)) : .number(Double(duration))
        if !imageURLs.isEmpty { fields["image_urls"] = .array(imageURLs.map(JSONValue.string)) }
        if !elements.isEmpty {
            let list = JSONValue.array(elements.map {
                .object(["frontal_image_url": .string($0.frontalImageURL),
                         "reference_image_urls": .array($0.referenceImageURLs.map(JSONValue.string))])
            })
            fields["elements"] = encoding.elements == .array ? list : .string(String(decoding: list.encoded(), as: UTF8.self))
        }
        return JSONValue.object(fields).encoded()
    }
}

/// The spelling each API host last accepted, in a small JSON file in the state folder, so a
/// machine that learned Segmind's taste once does not pay a refused request for it again.
public struct RequestEncodingMemory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$XDG_STATE_HOME/kling-media/request-encoding.json`, or `~/.local/state/…`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        AppFolders.state(environment: environment) + "/request-encoding.json"
    }

    public func encoding(for host: String) -> RequestEncoding? {
        KeyedMemory<RequestEncoding>(path: path).value(for: host)
    }

    /// Best effort: a memory that cannot be written only costs a refused request next time.
    public func remember(_ encoding: RequestEncoding, for host: String) {
        KeyedMemory<RequestEncoding>(path: path).remember(encoding, for: host)
    }
}
