#if canImport(Glibc)
import Glibc
#endif
import Synchronization
internal import CCurl

/// One exchange on one libcurl easy handle: owns the `CURL*`, its header list and the files it
/// reads or writes, and frees them in `deinit`.
///
/// `@unchecked Sendable` because it is handed once to the thread that performs it and touched
/// there only; the one field other threads touch, `cancelled`, is atomic.
final class CurlTransfer: @unchecked Sendable {
    // libcurl declares `typedef void CURL`.
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let request: HTTPRequest
    private let progress: (@Sendable (TransferProgress) -> Void)?
    let cancelled = Atomic<Bool>(false)

    // State the callbacks fill in, on the performing thread.
    private var responseHeaders: [HTTPHeader] = []
    private var body: [UInt8] = []
    private var received: Int64 = 0
    private var uploadDescriptor: Int32 = -1
    private var uploadSource: (any BodySource)?
    private var downloadDescriptor: Int32 = -1
    private var failure: HTTPError?

    init(_ request: HTTPRequest, progress: (@Sendable (TransferProgress) -> Void)?) throws(HTTPError) {
        CurlLibrary.prepare()
        guard let handle = curl_easy_init() else {
            throw .other(host: request.host, code: -1, detail: "libcurl could not start a transfer", requestSent: false)
        }
        self.handle = handle
        self.request = request
        self.progress = progress
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        if uploadDescriptor >= 0 { close(uploadDescriptor) }
        if downloadDescriptor >= 0 { close(downloadDescriptor) }
    }

    /// Runs the exchange to its end, blocking the calling thread.
    func perform() -> Result<HTTPResponse, HTTPError> {
        do {
            try configure()
        } catch {
            return .failure(error)
        }
        let code = curl_easy_perform(handle)
        if downloadDescriptor >= 0, fsync(downloadDescriptor) != 0, code == CURLE_OK {
            return .failure(.fileUnwritable(path: downloadPath ?? "?", detail: String(cString: strerror(errno))))
        }
        guard code == CURLE_OK else { return .failure(error(for: code)) }
        var status = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: responseHeaders, body: body, bytesReceived: received))
    }

    private var downloadPath: String? {
        if case .file(let path, _) = request.destination { return path }
        return nil
    }

    private func configure() throws(HTTPError) {
        guard let parts = URLParts(request.url), ["http", "https"].contains(parts.scheme) else {
            throw .invalidURL(request.url)
        }
        try set(CURLOPT_URL, request.url)
        // Only HTTP(S), also after redirects: a server cannot bounce us to file:// or elsewhere.
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        // TLS verification is always on; there is deliberately no switch to turn it off.
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try set(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, 10)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        if let total = request.totalTimeout { try set(CURLOPT_TIMEOUT_MS, Int(total * 1000)) }
        // Abandon a transfer that moves under 1 byte/s for `stallTimeout` seconds.
        try set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(request.stallTimeout)))
        try set(CURLOPT_USERAGENT, "kling-media/\(CurlLibrary.userAgentVersion)")
        try configureMethodAndBody()
        try configureDestination()

        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // libcurl would add "Expect: 100-continue" to large bodies and wait for the server's go-ahead.
        headerList = curl_slist_append(headerList, "Expect:")
        try check(CCurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))

        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(CCurl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        try check(CCurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        try check(CCurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        try check(CCurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        try check(CCurl_setopt_progress_callback(handle, CURLOPT_XFERINFOFUNCTION, curlProgressCallback))
        try check(CCurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context))
        try set(CURLOPT_NOPROGRESS, 0)
    }

    private func configureMethodAndBody() throws(HTTPError) {
        switch request.method {
        case .get: try set(CURLOPT_HTTPGET, 1)
        case .head: try set(CURLOPT_NOBODY, 1)
        case .post: try set(CURLOPT_POST, 1)
        case .put: try set(CURLOPT_UPLOAD, 1)
        case .delete: try set(CURLOPT_CUSTOMREQUEST, "DELETE")
        }
        let length: Int64
        switch request.body {
        case .none:
            length = 0
        case .bytes(let bytes):
            body = []
            pendingUpload = bytes[...]
            length = Int64(bytes.count)
        case .file(let path):
            uploadDescriptor = open(path, O_RDONLY)
            guard uploadDescriptor >= 0 else { throw .fileUnreadable(path: path, detail: String(cString: strerror(errno))) }
            var status = stat()
            guard fstat(uploadDescriptor, &status) == 0 else {
                throw .fileUnreadable(path: path, detail: String(cString: strerror(errno)))
            }
            length = Int64(status.st_size)
        case .stream(let total, let source, let open):
            do { uploadSource = try open() } catch {
                throw .fileUnreadable(path: source, detail: error.description)
            }
            length = total
        }
        guard request.method == .post || request.method == .put else { return }
        try check(CCurl_setopt_off_t(handle, request.method == .put ? CURLOPT_INFILESIZE_LARGE : CURLOPT_POSTFIELDSIZE_LARGE,
                                     curl_off_t(length)))
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(CCurl_setopt_data_callback(handle, CURLOPT_READFUNCTION, curlReadCallback))
        try check(CCurl_setopt_pointer(handle, CURLOPT_READDATA, context))
    }

    private var pendingUpload: ArraySlice<UInt8> = []

    private func configureDestination() throws(HTTPError) {
        guard case .file(let path, let offset) = request.destination else { return }
        let flags = offset > 0 ? (O_WRONLY | O_CREAT | O_APPEND) : (O_WRONLY | O_CREAT | O_TRUNC)
        downloadDescriptor = open(path, flags | O_CLOEXEC, 0o644)
        guard downloadDescriptor >= 0 else { throw .fileUnwritable(path: path, detail: String(cString: strerror(errno))) }
        if offset > 0 { try check(CCurl_setopt_off_t(handle, CURLOPT_RESUME_FROM_LARGE, curl_off_t(offset))) }
    }

    // MARK: Callbacks (on the performing thread)

    fileprivate func receiveHeader(_ line: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: line, as: UTF8.self).trimmingSuffixNewlines
        if text.hasPrefix("HTTP/") {
            // A new response begins (after a redirect or a 100 Continue): forget the last one's headers.
            responseHeaders = []
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = String(text[..<colon])
        let value = String(text[text.index(after: colon)...]).trimmingSpaces
        responseHeaders.append(HTTPHeader(name, value))
    }

    fileprivate func receiveBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        received += Int64(bytes.count)
        if downloadDescriptor >= 0 {
            var offset = 0
            while offset < bytes.count {
                let written = write(downloadDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    failure = .fileUnwritable(path: downloadPath ?? "?", detail: String(cString: strerror(errno)))
                    return false
                }
                offset += written
            }
            return true
        }
        if case .memory(let limit) = request.destination, body.count + bytes.count > limit {
            failure = .responseTooLarge(host: request.host, limit: limit)
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Fills `buffer` with the next bytes of the request body; 0 at its end, nil to abort.
    fileprivate func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        if let uploadSource {
            do { return try uploadSource.read(into: buffer) } catch {
                if case .stream(_, let source, _) = request.body {
                    failure = .fileUnreadable(path: source, detail: error.description)
                }
                return nil
            }
        }
        if uploadDescriptor >= 0 {
            while true {
                let count = read(uploadDescriptor, buffer.baseAddress, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count < 0 {
                    if case .file(let path) = request.body {
                        failure = .fileUnreadable(path: path, detail: String(cString: strerror(errno)))
                    }
                    return nil
                }
                return count
            }
        }
        let count = min(buffer.count, pendingUpload.count)
        buffer.copyBytes(from: pendingUpload.prefix(count))
        pendingUpload = pendingUpload.dropFirst(count)
        return count
    }

    /// False aborts the transfer (cancelled by the task that waits for it).
    fileprivate func report(_ progress: TransferProgress) -> Bool {
        if cancelled.load(ordering: .relaxed) { return false }
        self.progress?(progress)
        return true
    }

    // MARK: Errors

    private func error(for code: CURLcode) -> HTTPError {
        if let failure { return failure }
        if cancelled.load(ordering: .relaxed) { return .cancelled }
        var requestSize = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
        let sent = requestSize > 0
        let detail = String(cString: curl_easy_strerror(code))
        let host = request.host
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(request.url)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotResolve(host: host)
        case CURLE_COULDNT_CONNECT:
            return .couldNotConnect(host: host, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(host: host, requestSent: sent)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE:
            return .tls(host: host, detail: detail)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
             CURLE_HTTP2_STREAM:
            return .connectionLost(host: host, requestSent: sent, detail: detail)
        default:
            return .other(host: host, code: Int(code.rawValue), detail: detail, requestSent: sent)
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPError) {
        try check(CCurl_setopt_long(handle, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPError) {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        try check(CCurl_setopt_string(handle, option, value))
    }

    private func check(_ code: CURLcode) throws(HTTPError) {
        guard code == CURLE_OK else {
            throw .other(host: request.host, code: Int(code.rawValue), detail: String(cString: curl_easy_strerror(code)),
                         requestSent: false)
        }
    }
}

// libcurl's C callbacks: each finds its transfer through the context pointer set beside it.

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
    Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
}

private let curlHeaderCallback: CCurl_data_callback = { buffer, size, count, context in
    let length = size * count
    guard let buffer else { return length }
    buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer(context).receiveHeader(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private let curlWriteCallback: CCurl_data_callback = { buffer, size, count, context in
    let length = size * count
    guard let buffer else { return length }
    let accepted = buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer(context).receiveBody(UnsafeBufferPointer(start: $0, count: length))
    }
    // Returning fewer bytes than given makes libcurl stop with CURLE_WRITE_ERROR.
    return accepted ? length : 0
}

private let curlReadCallback: CCurl_data_callback = { buffer, size, count, context in
    guard let buffer else { return 0 }
    let bytes = UnsafeMutableRawBufferPointer(start: buffer, count: size * count)
    return transfer(context).sendBody(into: bytes) ?? Int(CURL_READFUNC_ABORT)
}

private let curlProgressCallback: CCurl_progress_callback = { context, toReceive, received, toSend, sent in
    let progress = TransferProgress(bytesSent: Int64(sent), bytesToSend: toSend > 0 ? Int64(toSend) : nil,
                                    bytesReceived: Int64(received), bytesToReceive: toReceive > 0 ? Int64(toReceive) : nil)
    return transfer(context).report(progress) ? 0 : 1
}

private extension String {
    var trimmingSuffixNewlines: String {
        // "\r\n" is one Character in Swift: test for newlines, not for "\n".
        var text = self
        while let last = text.last, last.isNewline { text.removeLast() }
        return text
    }

    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
