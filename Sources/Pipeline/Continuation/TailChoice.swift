/// What part of the clip's end a continuation sends: so many seconds, or its last shot (from its
/// last hard cut, at least the model's shortest clip and at most its longest).
///
/// In JSON (the journal, a batch file) seconds are a number and the last shot is "shot": a request
/// journalled before the last shot could be asked for keeps its identity.
public enum TailChoice: Codable, Sendable, Equatable {
    case seconds(Double)
    case lastShot

    /// `S` (seconds) or `shot`; nil for anything else.
    public init?(_ text: String) {
        if text == "shot" { self = .lastShot; return }
        guard let seconds = Double(text), seconds.isFinite else { return nil }
        self = .seconds(seconds)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            self = .seconds(seconds)
        } else if try container.decode(String.self) == "shot" {
            self = .lastShot
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a tail is a number of seconds or \"shot\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .seconds(let seconds): try container.encode(seconds)
        case .lastShot: try container.encode("shot")
        }
    }

    var isUsable: Bool {
        if case .seconds(let seconds) = self { return seconds > 0 }
        return true
    }
}
