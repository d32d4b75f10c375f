/// URLs as the text they arrive as (arguments, batch lines, API answers): whether a string is one,
/// and its scheme and host, without Foundation's URL on the hot path.
public enum URLText {
    /// An http(s) URL, as opposed to a local path.
    public static func isHTTP(_ text: String) -> Bool {
        let start = text.prefix(8).lowercased()
        return start.hasPrefix("https://") || start.hasPrefix("http://")
    }
}

/// Just enough URL parsing for the scheme and host (never the full URL in messages: it may carry
/// a signature).
public struct URLParts: Sendable, Equatable {
    public let scheme: String
    public let host: String
    /// `host` or `host:port`, as a request's authority.
    public let authority: String
    /// The path and query, from the first `/` after the authority ("/" when there is none).
    public let pathAndQuery: String

    public init?(_ text: String) {
        guard let schemeEnd = text.firstRange(of: "://") else { return nil }
        scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = text[schemeEnd.upperBound...]
        let authorityText = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authorityText.split(separator: "@").last.map(String.init) ?? ""
        if hostAndPort.hasPrefix("[") {
            host = String(hostAndPort.prefix { $0 != "]" }.dropFirst()).lowercased()
        } else {
            host = String(hostAndPort.prefix { $0 != ":" }).lowercased()
        }
        if host.isEmpty { return nil }
        authority = hostAndPort
        let remainder = rest.dropFirst(authorityText.count).prefix { $0 != "#" }
        pathAndQuery = remainder.isEmpty ? "/" : (remainder.hasPrefix("/") ? String(remainder) : "/" + remainder)
    }

    /// 127.0.0.0/8, ::1 and localhost: traffic that never leaves this machine.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
