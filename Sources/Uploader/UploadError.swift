import HTTP
import Support

/// Why a local file did not become a URL. A failed upload never yields a URL.
public enum UploadError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case refused(status: Int, detail: String)
    case noURL(detail: String)
    case transport(HTTPError)
    case unreachable(url: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read it to upload (\(reason))"
        case .refused(let status, let detail):
            let advice = status == 401 ? "; check SEGMIND_API_KEY" : status == 413 ? "; the file is too large for the store" : ""
            return "the upload was refused (\(status): \(detail))\(advice)"
        case .noURL(let detail): return "the upload was accepted but no URL came back: \(detail)"
        case .transport(let error): return "upload failed: \(error)"
        case .unreachable(let url, let detail): return "\(Redaction.url(url)) cannot be fetched (\(detail))"
        }
    }
}

extension UploadError {
    /// Runs `body`, turning a file that cannot be read into `.unreadable`.
    static func reading<T>(_ body: () throws(FileFactsError) -> T) throws(UploadError) -> T {
        do { return try body() } catch {
            guard case .unreadable(let path, let reason) = error else { throw .unreadable("?", "\(error)") }
            throw .unreadable(path, reason)
        }
    }
}
