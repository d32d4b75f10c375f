import HTTP
import HTTPTypes
import Support

/// An S3-compatible bucket: files go up with SigV4-signed PUTs streamed from disk (multipart above
/// a size threshold) and come back as presigned GET URLs. Credentials, region and endpoint come
/// from the standard AWS environment variables. The Segmind key is never part of this.
public struct S3Storage: UploadBackend {
    public let bucket: String
    public let prefix: String
    public let endpoint: String?
    public let signer: SigV4
    /// Seconds a presigned URL works: long enough for the job (and reuse from the cache).
    public var expiry: Int
    public var multipartThreshold: Int64
    public var partSize: Int64
    public var retry: RetryPolicy

    public init(destination: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                expiry: Int = 86_400, multipartThreshold: Int64 = 64 << 20, partSize: Int64 = 16 << 20,
                retry: RetryPolicy = RetryPolicy(maxAttempts: 4)) throws(UploadError) {
        guard destination.hasPrefix("s3://"), let bucket = destination.dropFirst(5).split(separator: "/").first else {
            throw .refused(status: 0, detail: "--to takes s3://bucket[/prefix], got \(destination)")
        }
        guard let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
            throw .refused(status: 0, detail: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for s3:// uploads")
        }
        self.bucket = String(bucket)
        prefix = destination.dropFirst(5 + bucket.count).split(separator: "/").joined(separator: "/")
        endpoint = (environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"]).flatMap { $0.isEmpty ? nil : $0 }
            .map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        signer = SigV4(credentials: .init(accessKeyID: key, secretAccessKey: secret,
                                          sessionToken: environment["AWS_SESSION_TOKEN"]), region: region)
        self.expiry = expiry
        self.multipartThreshold = multipartThreshold
        self.partSize = max(5 << 20, partSize)   // S3's smallest part
        self.retry = retry
    }

    public var name: String { "s3:\(endpoint ?? "aws")/\(bucket)/\(prefix)" }

    public func upload(_ path: String, sha256: String,
                       progress: (@Sendable (TransferProgress) -> Void)?) async throws(UploadError) -> (url: String, expiresAt: Date?) {
        let size = try UploadError.reading { () throws(FileFactsError) in try FileFacts.regularFileSize(path) }
        let object = objectURL(key: objectKey(for: path, sha256: sha256))
        if size > multipartThreshold {
            try await multipartUpload(path, size: size, to: object, progress: progress)
        } else {
            let request = try signed(.put, object, payloadHash: sha256, body: .file(path: path),
                                     extra: [.contentType: MediaType.of(path: path)])
            _ = try await send(request, progress: progress)
        }
        let expiresAt = Date().addingTimeInterval(TimeInterval(expiry))
        return (signer.presignedURL(for: object, expires: expiry), expiresAt)
    }

    /// `prefix/<first 16 hex of the hash>-<name>`: the same bytes land on the same key.
    func objectKey(for path: String, sha256: String) -> String {
        let name = SafeFileName.from(url: "file:///" + (path.split(separator: "/").last.map(String.init) ?? "file"))
        return (prefix.isEmpty ? "" : prefix + "/") + sha256.prefix(16) + "-" + name
    }

    /// Path-style on a custom endpoint (what S3-compatible servers expect), virtual-hosted on AWS.
    func objectURL(key: String) -> String {
        let encodedKey = SigV4.encode(key, keepSlash: true)
        if let endpoint { return "\(endpoint)/\(bucket)/\(encodedKey)" }
        return "https://\(bucket).s3.\(signer.region).amazonaws.com/\(encodedKey)"
    }

    // MARK: Multipart

    private func multipartUpload(_ path: String, size: Int64, to object: String,
                                 progress: (@Sendable (TransferProgress) -> Void)?) async throws(UploadError) {
        let created = try await send(try signed(.post, object + "?uploads=", payloadHash: Self.emptyHash,
                                            extra: [.contentType: MediaType.of(path: path)]), progress: nil)
        guard let uploadID = Self.xmlValue("UploadId", in: created.bodyText) else {
            throw .noURL(detail: "S3 started no multipart upload: \(String(created.bodyText.prefix(200)))")
        }
        let idQuery = "uploadId=" + SigV4.encode(uploadID)
        do throws(UploadError) {
            var etags: [String] = []
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let length = min(partSize, size - offset)
                let start = offset
                let part = try signed(.put, object + "?partNumber=\(number)&\(idQuery)", payloadHash: SigV4.unsignedPayload,
                                  body: .stream(length: length, source: path) { () throws(BodySourceError) in
                                      try FileRangeBody(path: path, offset: start, length: length)
                                  },
                                  extra: [.contentType: "application/octet-stream"])
                let response = try await send(part, progress: progress.map { report in
                    { @Sendable in report(TransferProgress(bytesSent: start + $0.bytesSent, bytesToSend: size,
                                                          bytesReceived: 0, bytesToReceive: nil)) }
                })
                guard let etag = response.header(.eTag) else { throw .noURL(detail: "S3 gave part \(number) no ETag") }
                etags.append(etag)
                offset += length
                number += 1
            }
            let manifest = "<CompleteMultipartUpload>" + etags.enumerated().map {
                "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\($0.element)</ETag></Part>"
            }.joined() + "</CompleteMultipartUpload>"
            let bytes = Array(manifest.utf8)
            // An explicit type: libcurl would call a POST body a form, and servers parse it as one.
            let completed = try await send(try signed(.post, object + "?\(idQuery)", payloadHash: ContentHash.sha256(of: bytes),
                                                  body: .bytes(bytes), extra: [.contentType: "application/xml"]),
                                           progress: nil)
            // S3 may answer 200 with an error inside.
            if completed.bodyText.contains("<Error>") {
                throw .refused(status: completed.status.code, detail: Self.xmlValue("Message", in: completed.bodyText) ?? "multipart upload failed")
            }
        } catch {
            _ = try? await send(try signed(.delete, object + "?\(idQuery)", payloadHash: Self.emptyHash), progress: nil)
            throw error
        }
    }

    // MARK: Requests

    private func signed(_ method: HTTPRequest.Method, _ url: String, payloadHash: String, body: RequestBody = .none,
                        extra: HTTPFields = [:]) throws(UploadError) -> HTTPExchange {
        var headers = signer.headers(method: method.rawValue, url: url, payloadHash: payloadHash)
        headers.append(contentsOf: extra)
        do {
            return try HTTPExchange(method, url: url, headers: headers, body: body, connectTimeout: 20, totalTimeout: nil, stallTimeout: 60)
        } catch {
            throw .transport(error)
        }
    }

    private func send(_ request: HTTPExchange, progress: (@Sendable (TransferProgress) -> Void)?) async throws(UploadError) -> HTTPAnswer {
        try await UploadExchange.send(request, retry: retry, progress: progress) { response in
            let text = response.bodyText.trimmingWhitespace
            let message = Self.xmlValue("Message", in: text) ?? Self.xmlValue("Code", in: text)
                ?? (text.isEmpty ? "no detail given" : String(text.prefix(300)))
            return Redaction.redact(message)
        }
    }

    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The text of the first `<name>…</name>` in an S3 XML answer.
    static func xmlValue(_ name: String, in xml: String) -> String? {
        guard let open = xml.firstRange(of: "<\(name)>"), let close = xml[open.upperBound...].firstRange(of: "</\(name)>") else {
            return nil
        }
        return String(xml[open.upperBound..<close.lowerBound])
    }
}
