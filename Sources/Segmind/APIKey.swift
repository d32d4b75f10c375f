import HTTP
import HTTPTypes
import Support

/// A Segmind API key. Its text leaves this type only as the `x-api-key` header value; printing,
/// logging or encoding it shows a redacted form, so no mistake elsewhere can leak it.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    let secret: String

    public init(_ secret: String) {
        self.secret = secret.trimmingWhitespace
    }

    /// Keys look like `SG_` and hex digits; anything else is accepted but worth a warning.
    public var looksLikeSegmindKey: Bool {
        secret.hasPrefix("SG_") && secret.count > 3 && secret.dropFirst(3).allSatisfy(\.isHexDigit)
    }

    /// The one way the key leaves this type: as the header that carries it to the API.
    public var headerField: HTTPField { HTTPField(name: .apiKey, value: secret) }

    public var description: String { "SG_…(redacted)" }
    public var debugDescription: String { description }
}
