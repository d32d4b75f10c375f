import HTTPTypes
import Support
import Crypto

/// AWS Signature Version 4 for S3: the Authorization header of a request, or a presigned URL.
/// Only what S3 uploads need: host and x-amz-* headers signed, path-style or virtual-hosted URLs.
public struct SigV4: Sendable {
    public struct Credentials: Sendable, Equatable {
        public let accessKeyID: String
        let secretAccessKey: String
        public let sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public let credentials: Credentials
    public let region: String
    public let service = "s3"

    public init(credentials: Credentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    /// S3 accepts a body not covered by the signature; used for parts streamed from disk.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The headers to add to a request: `x-amz-date`, `x-amz-content-sha256`, the session token
    /// if any, and `Authorization`.
    public func headers(method: String, url: String, payloadHash: String, date: Date = Date()) -> HTTPFields {
        let stamp = Stamp(date)
        let parts = S3URL(url)
        var signed: [(String, String)] = [("host", parts.host), ("x-amz-content-sha256", payloadHash), ("x-amz-date", stamp.full)]
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        signed.sort { $0.0 < $1.0 }
        let signature = sign(method: method, path: parts.path, query: parts.query, headers: signed,
                             payloadHash: payloadHash, stamp: stamp)
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(stamp)), "
            + "SignedHeaders=\(signed.map(\.0).joined(separator: ";")), Signature=\(signature)"
        var fields = HTTPFields()
        for (name, value) in signed where name != "host" { fields[HTTPField.Name(name)!] = value }
        fields[.authorization] = authorization
        return fields
    }

    /// A URL anyone can GET until `expires` seconds after `date` (at most 7 days, S3's limit).
    public func presignedURL(for url: String, expires: Int, date: Date = Date()) -> String {
        let stamp = Stamp(date)
        let parts = S3URL(url)
        var query = parts.query + [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(stamp))"),
            ("X-Amz-Date", stamp.full),
            ("X-Amz-Expires", String(min(max(expires, 1), 604_800))),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let signature = sign(method: "GET", path: parts.path, query: query, headers: [("host", parts.host)],
                             payloadHash: Self.unsignedPayload, stamp: stamp)
        query.append(("X-Amz-Signature", signature))
        return parts.origin + parts.path + "?" + Self.canonicalQuery(query)
    }

    // MARK: The algorithm

    private func sign(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                      payloadHash: String, stamp: Stamp) -> String {
        let canonicalRequest = [
            method, path, Self.canonicalQuery(query),
            headers.map { "\($0.0):\($0.1.trimmingWhitespace)\n" }.joined(),
            headers.map(\.0).joined(separator: ";"), payloadHash,
        ].joined(separator: "\n")
        let stringToSign = ["AWS4-HMAC-SHA256", stamp.full, scope(stamp), Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [stamp.day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    private func scope(_ stamp: Stamp) -> String { "\(stamp.day)/\(region)/\(service)/aws4_request" }

    static func canonicalQuery(_ items: [(String, String)]) -> String {
        items.map { (encode($0.0), encode($0.1)) }.sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay; everything else is %XX (uppercase), as SigV4 requires.
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var result = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if (byte < 0x80 && (character.isLetter || character.isNumber)) || "-._~".contains(character)
                || (keepSlash && character == "/") {
                result.append(character)
            } else {
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        ContentHash.hex(digest)
    }

    /// The date as SigV4 writes it: `20261125T120000Z` and `20261125`, in UTC.
    struct Stamp {
        let full: String
        let day: String

        init(_ date: Date) {
            let iso = date.formatted(Date.ISO8601FormatStyle())   // 2026-11-25T12:00:00Z
            full = iso.filter { $0 != "-" && $0 != ":" }
            day = String(full.prefix(8))
        }
    }
}

/// An S3 URL's parts as signing needs them: origin, encoded path, query items.
struct S3URL {
    let origin: String
    let host: String
    let path: String
    let query: [(String, String)]

    init(_ url: String) {
        let schemeEnd = url.firstRange(of: "://")?.upperBound ?? url.startIndex
        let rest = url[schemeEnd...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        origin = String(url[..<pathStart])
        host = String(rest[..<pathStart])
        let pathAndQuery = rest[pathStart...]
        let pathPart = pathAndQuery.prefix { $0 != "?" }
        path = pathPart.isEmpty ? "/" : String(pathPart)
        let queryText = pathAndQuery.dropFirst(pathPart.count + 1)
        query = queryText.isEmpty ? [] : queryText.split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // Decoded here: the canonical form encodes every item once, its own way.
            return (SafeFileName.percentDecoded(String(pair[0])),
                    pair.count > 1 ? SafeFileName.percentDecoded(String(pair[1])) : "")
        }
    }
}
