import Support
import SystemPackage

/// Fetches a result file: streamed to a private hidden file beside the target, resumed with a
/// Range request when the connection drops, its length checked, then renamed into place. No API
/// key or other credential is sent: result hosts are not the API.
///
/// Servers may ignore a Range request (HTTP allows it; many CDNs and proxied stores do): a 200
/// answer to a resumed request restarts the file from byte 0, a 206 that does not start where
/// asked restarts the download, and a 416 for a partial file that is already whole is accepted.
public struct Downloader: Sendable {
    public var maxAttempts: Int
    /// The most a download may be; past it, it stops and keeps nothing.
    public var maxBytes: Int64
    private let http = HTTPClient()

    /// 4 GiB: far above any clip the model makes, far below a runaway answer filling the disk.
    public static let defaultMaxBytes: Int64 = 4 << 30

    /// Tries of a download that breaks off (a dropped connection, an unreachable host) before it fails.
    public static let defaultAttempts = 6

    public init(maxAttempts: Int = Downloader.defaultAttempts, maxBytes: Int64 = Downloader.defaultMaxBytes) {
        self.maxAttempts = maxAttempts
        self.maxBytes = maxBytes
    }

    /// What was saved.
    public struct Receipt: Sendable, Equatable {
        public let bytes: Int64
        /// The server's `Content-Type`, when it gave one.
        public let contentType: String?
    }

    /// Downloads `url` to `path`.
    @discardableResult
    public func download(_ url: String, to path: String,
                         progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(DownloadError) -> Receipt {
        let partial = AtomicFile.temporaryPath(besides: path)
        // Made here, once, exclusively: never an existing file or a link someone planted.
        do {
            try FileDescriptor.open(FilePath(partial), .writeOnly, options: [.create, .exclusiveCreate, .noFollow, .closeOnExec],
                                    permissions: .ownerReadWrite).close()
        } catch {
            throw .unwritable(path, "\((error as? Errno) ?? .ioError)")
        }
        defer { SystemCalls.remove(partial) }
        var have: Int64 = 0
        var attempt = 0
        var contentType: String?
        while true {
            attempt += 1
            let exchange: HTTPExchange
            do {
                exchange = try HTTPExchange(.get, url: url, destination: .file(path: partial, resumeAt: have, maxBytes: maxBytes),
                                            connectTimeout: 20, totalTimeout: nil, stallTimeout: 60, followRedirects: true)
            } catch {
                throw .transport(error)
            }
            do {
                let answer = try await http.send(exchange, progress: progress)
                if answer.status == .rangeNotSatisfiable, have > 0 {
                    // Nothing left to send from there: whole if the server's length is what we have.
                    if ContentRange(answer.header(.contentRange))?.total == have { break }
                    have = 0
                    guard attempt < maxAttempts else { throw DownloadError.status(416, host: exchange.host) }
                    continue
                }
                guard answer.isSuccess else {
                    throw DownloadError.status(answer.status.code, host: exchange.host)
                }
                contentType = answer.header(.contentType)
                have = Self.size(of: partial)
                if let expected = Self.total(from: answer), have != expected {
                    throw DownloadError.incomplete(received: have, expected: expected)
                }
                break
            } catch let error as HTTPError {
                switch error {
                case .cancelled, .interruptedAfterSending: throw .cancelled
                case .downloadTooLarge(_, let limit): throw .tooLarge(limit: limit)
                case .fileUnwritable(_, let detail): throw .unwritable(path, detail)
                case .rangeMismatch:
                    // The part on disk cannot be continued from what the server offers: start over.
                    have = 0
                    guard attempt < maxAttempts else { throw .transport(error) }
                default:
                    guard error.isTransient, attempt < maxAttempts else { throw .transport(error) }
                    have = Self.size(of: partial)
                    try await pause(attempt: attempt)
                }
            } catch let error as DownloadError {
                throw error
            } catch {
                throw .transport(.other(host: "?", code: -1, detail: "\(error)", requestSent: true))
            }
        }
        // Private while partial; an ordinary file once it is the result.
        do { try AtomicFile.commit(partial, to: path, permissions: [.ownerReadWrite, .groupRead, .otherRead]) } catch {
            guard case .failed(_, let reason) = error else { throw .unwritable(path, "\(error)") }
            throw .unwritable(path, "\(reason)")
        }
        return Receipt(bytes: have, contentType: contentType)
    }

    /// The whole file's length: from Content-Range on a 206, else Content-Length on a 200.
    static func total(from answer: HTTPAnswer) -> Int64? {
        if answer.status == .partialContent { return ContentRange(answer.header(.contentRange))?.total }
        return answer.header(.contentLength).flatMap { Int64($0) }
    }

    static func size(of path: String) -> Int64 {
        (try? FilePath(path).stat().size) ?? 0
    }

    private func pause(attempt: Int) async throws(DownloadError) {
        do { try await Task.sleep(for: .milliseconds(Int(RetryPolicy().backoff(afterAttempt: attempt) * 1000))) } catch {
            throw .cancelled
        }
    }
}

public enum DownloadError: Error, Equatable, CustomStringConvertible {
    case status(Int, host: String)
    case incomplete(received: Int64, expected: Int64)
    case tooLarge(limit: Int64)
    case transport(HTTPError)
    case unwritable(String, String)
    case cancelled

    public var description: String {
        switch self {
        case .status(let status, let host): return "\(host) answered \(status) instead of the file"
        case .incomplete(let received, let expected): return "the download stopped at \(received) of \(expected) bytes"
        case .tooLarge(let limit):
            return "the download passed \(limit) bytes, its cap; nothing was kept (--max-bytes raises the cap)"
        case .transport(let error): return "download failed: \(error)"
        case .unwritable(let path, let reason): return "\(path): cannot write the download (\(reason))"
        case .cancelled: return "download cancelled"
        }
    }
}
