/// What came back.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: [HTTPHeader]
    /// The body, when the request asked for it in memory; empty when it went to a file.
    public let body: [UInt8]
    /// Body bytes received in this exchange (for a resumed download: the part after `resumeAt`).
    public let bytesReceived: Int64

    public init(status: Int, headers: [HTTPHeader], body: [UInt8], bytesReceived: Int64) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bytesReceived = bytesReceived
    }

    /// The last value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// How far a transfer has come, reported while it runs.
public struct TransferProgress: Sendable, Equatable {
    public let bytesSent: Int64
    public let bytesToSend: Int64?
    public let bytesReceived: Int64
    public let bytesToReceive: Int64?
}
