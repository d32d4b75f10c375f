import HTTPTypes

/// The limit a server states in its answers, by the names APIs use for it: `x-ratelimit-limit`,
/// `x-rate-limit-limit` and the IETF draft's `ratelimit-limit` (or its `ratelimit-policy`,
/// "5;w=60"). Segmind documents none; a server (or a gateway before it) that sends one is taken
/// at its word rather than guessed at.
public enum RateLimitHeaders {
    static let names = ["x-ratelimit-limit", "x-rate-limit-limit", "ratelimit-limit", "ratelimit-policy"]
        .compactMap { HTTPField.Name($0) }

    /// Requests a window, when one of the headers says a positive whole number (the first one
    /// of a list, as some servers send one per policy).
    public static func limit(in answer: HTTPAnswer) -> Int? {
        for name in names {
            guard let value = answer.header(name) else { continue }
            let first = value.split(whereSeparator: { $0 == "," || $0 == ";" }).first.map { String($0).trimmingWhitespace } ?? ""
            if let limit = Int(first), limit > 0 { return limit }
        }
        return nil
    }
}
