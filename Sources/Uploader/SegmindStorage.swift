import HTTP
import HTTPTypes
import Segmind
import Support

/// Segmind Storage: a local file in, an https URL out, by `POST …/upload-asset` with the file as a
/// base64 data URL, streamed from disk (`Base64DataURLBody`).
public struct SegmindStorage: Sendable {
    public let configuration: SegmindConfiguration
    public var retry: RetryPolicy
    public init(configuration: SegmindConfiguration, retry: RetryPolicy = RetryPolicy(maxAttempts: 4)) {
        self.configuration = configuration
        self.retry = retry
    }

    public static let backendName = "segmind"

    /// Uploads the file at `path`; returns its URL. Retried on transient failures (an upload
    /// starts no paid work, so sending it again costs nothing but time).
    public func upload(_ path: String, progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(UploadError) -> String {
        let host = URLParts(configuration.uploadURL)?.host ?? ""
        guard configuration.mayReceiveKey(host) else {
            throw .refused(status: 0, detail: "SEGMIND_UPLOAD_URL points at \(host), which is neither Segmind nor the API base; "
                           + "the API key is not sent there")
        }
        let size = try UploadError.reading { () throws(FileFactsError) in try FileFacts.regularFileSize(path) }
        let mimeType = MediaType.of(path: path)
        let request: HTTPExchange
        do throws(HTTPError) {
            request = try HTTPExchange(
                .post, url: configuration.uploadURL,
                headers: HTTPFields([configuration.apiKey.headerField, HTTPField(name: .contentType, value: "application/json"),
                                     HTTPField(name: .accept, value: "application/json")]),
                body: .stream(length: Base64DataURLBody.length(fileSize: size, mimeType: mimeType), source: path) {
                    () throws(BodySourceError) in try Base64DataURLBody(path: path, mimeType: mimeType)
                },
                connectTimeout: 20, totalTimeout: nil, stallTimeout: 60, followRedirects: false)
        } catch {
            throw .transport(error)
        }
        let response = try await UploadExchange.send(request, retry: retry, progress: progress) {
            ErrorDetail.extract(from: $0.body)
        }
        return try Self.url(in: response)
    }

    /// The answer's URL: `urls` in the API reference, `file_urls` in the SDK's README.
    static func url(in response: HTTPAnswer) throws(UploadError) -> String {
        let body = try? JSONValue.decode(response.body)
        let list = body?["urls"] ?? body?["file_urls"] ?? .null
        guard let url = list.httpURLs.first else {
            throw .noURL(detail: Redaction.redact(String(response.bodyText.prefix(300))))
        }
        return url
    }
}
