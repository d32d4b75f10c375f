import Support

/// How long to wait before trying again: exponential backoff with full jitter, bounded, unless
/// the server said when (429's `x-rate-limit-reset-at-utc`, or `Retry-After`).
public struct RetryPolicy: Sendable {
    /// Tries for one request, the first included.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 8, baseDelay: Double = 1, maxDelay: Double = 30) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Seconds before attempt `attempt + 1` (attempt counts from 1): random in [0, min(max, base·2ⁿ)],
    /// so many clients that failed together do not retry together.
    public func backoff(afterAttempt attempt: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow2(attempt - 1))
        return Double.random(in: ceiling / 2...ceiling)
    }

    private func pow2(_ exponent: Int) -> Double {
        Double(1 << min(max(exponent, 0), 20))
    }
}

/// When a rate-limited or unavailable server says to come back.
public enum RetryAfter {
    /// Seconds from `now` until the server's stated time, from `x-rate-limit-reset-at-utc`
    /// (ISO 8601, or seconds since 1970) or `Retry-After` (seconds, or an HTTP date); nil when
    /// neither says.
    public static func seconds(from answer: HTTPAnswer, now: Date = Date()) -> Double? {
        if let reset = answer.header(.rateLimitResetAtUTC), let date = parseInstant(reset) {
            return max(0, date.timeIntervalSince(now))
        }
        if let retry = answer.header(.retryAfter) {
            if let seconds = Double(retry.trimmingWhitespace) { return max(0, seconds) }
            if let date = parseHTTPDate(retry) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    /// RFC 9110's date, "Sun, 06 Nov 1994 08:49:37 GMT".
    static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, let month = months.firstIndex(of: String(parts[2])), let day = Int(parts[1]) else { return nil }
        let iso = "\(parts[3])-\(month < 9 ? "0" : "")\(month + 1)-\(day < 10 ? "0" : "")\(day)T\(parts[4])Z"
        return try? Date(iso, strategy: Date.ISO8601FormatStyle())
    }

    static func parseInstant(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespace
        if let epoch = Double(trimmed) {
            // Seconds, or milliseconds when the number is too large to be seconds.
            return Date(timeIntervalSince1970: epoch > 1e11 ? epoch / 1000 : epoch)
        }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        // "2026-11-25 01:02:03" (no zone): read as UTC, as the header's name says.
        let normalised = trimmed.replacingSpaceWithT + (trimmed.hasSuffix("Z") ? "" : "Z")
        return try? Date(normalised, strategy: Date.ISO8601FormatStyle())
    }
}

private extension String {
    var replacingSpaceWithT: String {
        guard let space = firstIndex(of: " ") else { return self }
        var copy = self
        copy.replaceSubrange(space...space, with: "T")
        return copy
    }
}
