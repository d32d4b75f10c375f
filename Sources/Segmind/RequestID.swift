/// A Segmind request id, checked before it goes into a URL path or a file name: ASCII letters,
/// digits and `-`, 1 to 64 of them (Segmind's are UUIDs). Anything else, such as `../../x`, is not
/// one, so it can never be requested or written.
public struct RequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public static let maxLength = 64

    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        rawValue = text
    }

    public var description: String { rawValue }

    /// Whether `text` may be a request id (or, being shorter, the start of one).
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maxLength
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = RequestID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a request id: \(text.prefix(80))"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
