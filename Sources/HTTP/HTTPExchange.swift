import HTTPTypes
import Support

/// One HTTP exchange as a value: the request's head (swift-http-types' `HTTPRequest`), what to
/// send, where the answer's body goes, and how long to wait.
public struct HTTPExchange: Sendable {
    public var head: HTTPRequest
    public var body: RequestBody
    /// Where the answer's body goes: memory (small API answers), a file (media), its first bytes.
    public var destination: ResponseDestination
    /// Seconds to establish the connection (TCP and TLS).
    public var connectTimeout: Double
    /// Seconds for the whole exchange; nil for none (large transfers rely on `stallTimeout`).
    public var totalTimeout: Double?
    /// Seconds without a byte moving before the transfer is abandoned.
    public var stallTimeout: Double
    /// Off by default: a redirect would carry our headers (an API key among them) to another host.
    public var followRedirects: Bool

    /// `url` must be an absolute http(s) URL.
    public init(_ method: HTTPRequest.Method = .get, url: String, headers: HTTPFields = [:], body: RequestBody = .none,
                destination: ResponseDestination = .memory(), connectTimeout: Double = 15,
                totalTimeout: Double? = 60, stallTimeout: Double = 60, followRedirects: Bool = false) throws(HTTPError) {
        guard let parts = URLParts(url), ["http", "https"].contains(parts.scheme) else { throw .invalidURL(url) }
        head = HTTPRequest(method: method, scheme: parts.scheme, authority: parts.authority, path: parts.pathAndQuery,
                           headerFields: headers)
        self.body = body
        self.destination = destination
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.stallTimeout = stallTimeout
        self.followRedirects = followRedirects
    }

    /// The URL as sent.
    public var url: String { "\(head.scheme ?? "https")://\(head.authority ?? "")\(head.path ?? "/")" }

    /// The host the request goes to, for messages (never the full URL, which may carry a signature).
    public var host: String { URLParts(url)?.host ?? "?" }
}

/// What a request sends.
public enum RequestBody: Sendable {
    case none
    case bytes([UInt8])
    /// Streamed from disk as libcurl asks for it: memory stays flat whatever the file's size.
    case file(path: String)
    /// Produced as libcurl asks for it, `length` bytes in all, read from `source` (a path, named
    /// in errors). `open` makes a fresh source for each attempt, so a retried request sends the
    /// body from its start.
    case stream(length: Int64, source: String, open: @Sendable () throws(BodySourceError) -> any BodySource)
}

/// Bytes for a request body, read in order. Used by the one thread performing the transfer.
public protocol BodySource: AnyObject {
    /// Fills the start of `buffer`; returns how many bytes, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(BodySourceError) -> Int
}

/// Why a body source could not give its bytes (the reason only: the request names the source).
public struct BodySourceError: Error, CustomStringConvertible {
    public let description: String
    public init(_ reason: String) { description = reason }
}

/// Where a response body goes.
public enum ResponseDestination: Sendable {
    /// Kept in memory, refused past `limit` bytes (an API answer is small; a runaway one is an error).
    case memory(limit: Int = 16 << 20)
    /// Written to `path` (mode 0600, never through a symbolic link), refused past `maxBytes` in
    /// all. With `resumeAt` > 0 the request asks for the rest with a Range header, and what the
    /// server does with it decides where the body goes: a 206 from `resumeAt` is appended after
    /// the bytes already there; a 200 (the server ignored the Range, as HTTP allows) restarts the
    /// file from byte 0; a 206 from anywhere else fails with `.rangeMismatch`. The body of an
    /// answer that is not 2xx never touches the file (it is kept in memory, briefly, for its text).
    case file(path: String, resumeAt: Int64 = 0, maxBytes: Int64? = nil)
    /// Only the first `bytes` of the body are read, then the transfer stops, successfully: for
    /// "does this URL answer" checks that must not fail on a server that sends everything.
    case prefix(bytes: Int)
}
