import HTTPTypes

/// What came back: the response's head (swift-http-types' `HTTPResponse`) and its body.
public struct HTTPAnswer: Sendable {
    public let head: HTTPResponse
    /// The body, when the request asked for it in memory (or the error page of a file download).
    public let body: [UInt8]
    /// Body bytes received in this exchange (for a resumed download: the part after `resumeAt`).
    public let bytesReceived: Int64

    public init(head: HTTPResponse, body: [UInt8], bytesReceived: Int64) {
        self.head = head
        self.body = body
        self.bytesReceived = bytesReceived
    }

    public var status: HTTPResponse.Status { head.status }
    public var headerFields: HTTPFields { head.headerFields }

    /// A header's value, by name (the last one when repeated).
    public func header(_ name: HTTPField.Name) -> String? {
        headerFields[values: name].last
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var isSuccess: Bool { head.status.kind == .successful }
}

/// How far a transfer has come, reported while it runs.
public struct TransferProgress: Sendable, Equatable {
    public let bytesSent: Int64
    public let bytesToSend: Int64?
    public let bytesReceived: Int64
    public let bytesToReceive: Int64?

    public init(bytesSent: Int64, bytesToSend: Int64?, bytesReceived: Int64, bytesToReceive: Int64?) {
        self.bytesSent = bytesSent
        self.bytesToSend = bytesToSend
        self.bytesReceived = bytesReceived
        self.bytesToReceive = bytesToReceive
    }
}

extension HTTPField.Name {
    /// Segmind's 429 says when the window resets here, not in `Retry-After`.
    public static let rateLimitResetAtUTC = HTTPField.Name("x-rate-limit-reset-at-utc")!
    /// The API key header Segmind takes.
    public static let apiKey = HTTPField.Name("x-api-key")!
}
