/// Removes secrets from text bound for logs, journals and messages: anything shaped like a Segmind
/// key, and the query string of URLs (where presigned URLs carry their signatures).
public enum Redaction {
    public static func redact(_ text: String) -> String {
        redactURLQueries(redactKeys(text))
    }

    /// `SG_` followed by 8 or more hex digits becomes `SG_…(redacted)`.
    static func redactKeys(_ text: String) -> String {
        text.replacing(/SG_[0-9A-Fa-f]{8,}/, with: "SG_…(redacted)")
    }

    /// `https://host/path?X-Amz-Signature=…` becomes `https://host/path?…(redacted)`.
    static func redactURLQueries(_ text: String) -> String {
        text.replacing(/(https?:\/\/[^\s?"']+)\?[^\s"']*/) { match in "\(match.output.1)?…(redacted)" }
    }

    /// A URL as it may be shown: its query removed.
    public static func url(_ url: String) -> String { redactURLQueries(url) }
}
