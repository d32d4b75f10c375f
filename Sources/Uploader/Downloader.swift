import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Fetches a result file: streamed to a hidden file beside the target, resumed with a Range
/// request when the connection drops, its length checked, then renamed into place. No API key
/// or other credential is sent: result hosts are not the API.
public struct Downloader: Sendable {
    public var maxAttempts: Int
    private let http = HTTPClient()

    public init(maxAttempts: Int = 6) {
        self.maxAttempts = maxAttempts
    }

    /// Downloads `url` to `path`; returns the byte count.
    @discardableResult
    public func download(_ url: String, to path: String,
                         progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(DownloadError) -> Int64 {
        let partial = DurableFile.siblingTemporaryPath(for: path)
        defer { unlink(partial) }
        var have: Int64 = 0
        var expectedTotal: Int64?
        var attempt = 0
        while true {
            attempt += 1
            let request = HTTPRequest(method: .get, url: url, destination: .file(path: partial, resumeAt: have),
                                      connectTimeout: 20, totalTimeout: nil, stallTimeout: 60, followRedirects: true)
            do {
                let response = try await http.send(request, progress: progress)
                guard response.isSuccess else {
                    throw DownloadError.status(response.status, host: request.host)
                }
                if have > 0 && response.status != 206 {
                    // The server ignored the Range and sent everything: the file restarted from 0.
                    have = 0
                }
                if let total = Self.total(from: response, resumedAt: have) { expectedTotal = total }
                have += response.bytesReceived
                if let expectedTotal, have != expectedTotal {
                    throw DownloadError.incomplete(received: have, expected: expectedTotal)
                }
                break
            } catch let error as HTTPError {
                if error == .cancelled { throw .cancelled }
                guard error.isTransient, attempt < maxAttempts else { throw .transport(error) }
                have = Self.size(of: partial)
                try await pause(attempt: attempt)
            } catch let error as DownloadError {
                throw error
            } catch {
                throw .transport(.other(host: "?", code: -1, detail: "\(error)", requestSent: true))
            }
        }
        guard rename(partial, path) == 0 else {
            throw .unwritable(path, String(cString: strerror(errno)))
        }
        DurableFile.syncDirectory(containing: path)
        return have
    }

    /// The whole file's length: from Content-Range on a 206, else Content-Length.
    static func total(from response: HTTPResponse, resumedAt offset: Int64) -> Int64? {
        if response.status == 206, let range = response.header("content-range"),
           let slash = range.lastIndex(of: "/"), let total = Int64(range[range.index(after: slash)...]) {
            return total
        }
        return response.header("content-length").flatMap { Int64($0) }.map { $0 + (response.status == 206 ? offset : 0) }
    }

    static func size(of path: String) -> Int64 {
        var status = stat()
        return stat(path, &status) == 0 ? Int64(status.st_size) : 0
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
    case transport(HTTPError)
    case unwritable(String, String)
    case cancelled

    public var description: String {
        switch self {
        case .status(let status, let host): return "\(host) answered \(status) instead of the file"
        case .incomplete(let received, let expected): return "the download stopped at \(received) of \(expected) bytes"
        case .transport(let error): return "download failed: \(error)"
        case .unwritable(let path, let reason): return "\(path): cannot write the download (\(reason))"
        case .cancelled: return "download cancelled"
        }
    }
}
