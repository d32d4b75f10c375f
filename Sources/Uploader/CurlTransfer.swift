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
    private let patience: AnswerPatience?
    /// Set by the task that waits for this transfer when it is cancelled.
    let cancelled = Atomic<Bool>(false)

    // State the callbacks fill in, on the performing thread.
    private var responseHeaders: [HTTPHeader] = []
    private var responseStatus = 0
    private var body: [UInt8] = []
    private var received: Int64 = 0
    private var uploadDescriptor: Int32 = -1
    private var uploadSource: (any BodySource)?
    private var downloadDescriptor: Int32 = -1
    /// Whether the current answer's body goes into the file (a 2xx) or to memory (an error page).
    private var bodyToFile = false
    /// Bytes in the file once the current answer's body is all written: where it starts, plus what came.
    private var fileBytes: Int64 = 0
    /// Some of the request may have reached the connection: from now on the server may act on it.
    private var mayHaveSent = false
    /// When cancellation found the request already sent and began waiting for its answer.
    private var waitingSince: ContinuousClock.Instant?
    private var abandoned = false
    /// A `.prefix` destination got its bytes and stopped the transfer on purpose.
    private var stoppedEarly = false
    private var failure: HTTPError?

    init(_ request: HTTPRequest, progress: (@Sendable (TransferProgress) -> Void)?, patience: AnswerPatience?) throws(HTTPError) {
        CurlLibrary.prepare()
        guard let handle = curl_easy_init() else {
            throw .other(host: request.host, code: -1, detail: "libcurl could not start a transfer", requestSent: false)
        }
        self.handle = handle
        self.request = request
        self.progress = progress
        self.patience = patience
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
        let finished = code == CURLE_OK || (code == CURLE_WRITE_ERROR && stoppedEarly)
        if downloadDescriptor >= 0, fsync(downloadDescriptor) != 0, finished {
            return .failure(.fileUnwritable(path: downloadPath ?? "?", detail: String(cString: strerror(errno))))
        }
        guard finished else { return .failure(error(for: code)) }
        var status = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: responseHeaders, body: body, bytesReceived: received))
    }

    private var downloadPath: String? {
        if case .file(let path, _, _) = request.destination { return path }
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
        guard case .file(let path, let offset, _) = request.destination else { return }
        // Never through a symbolic link, and private until renamed into place. A resumed download
        // opens the partial file that is there; the Range header asks for the rest, and the
        // answer's status decides where its body goes (`placeBody`). libcurl's own resume option
        // is not used: it fails outright (CURLE_RANGE_ERROR) when a server ignores the Range.
        let flags = offset > 0 ? O_WRONLY : (O_WRONLY | O_CREAT | O_TRUNC)
        downloadDescriptor = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard downloadDescriptor >= 0 else { throw .fileUnwritable(path: path, detail: String(cString: strerror(errno))) }
        if offset > 0 { headerList = curl_slist_append(headerList, "Range: bytes=\(offset)-") }
    }

    /// Where the body of the answer whose headers just ended goes, for a file destination.
    /// False aborts the transfer (with `failure` set).
    private func placeBody() -> Bool {
        guard case .file(let path, let offset, _) = request.destination, downloadDescriptor >= 0 else { return true }
        bodyToFile = (200..<300).contains(responseStatus)
        guard bodyToFile else { return true }
        var start: Int64 = 0
        if responseStatus == 206 {
            guard let first = ContentRange(header("content-range"))?.first, first == offset else {
                failure = .rangeMismatch(host: request.host)
                return false
            }
            start = first
        }
        // A 200 after a Range request is the whole file: it replaces what was there.
        guard ftruncate(downloadDescriptor, off_t(start)) == 0, lseek(downloadDescriptor, off_t(start), SEEK_SET) >= 0 else {
            failure = .fileUnwritable(path: path, detail: String(cString: strerror(errno)))
            return false
        }
        fileBytes = start
        return true
    }

    private func header(_ name: String) -> String? {
        responseHeaders.last { $0.name.lowercased() == name }?.value
    }

    // MARK: Callbacks (on the performing thread)

    /// False aborts the transfer.
    fileprivate func receiveHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // An answer is coming, so the request reached the server.
        mayHaveSent = true
        let text = String(decoding: line, as: UTF8.self).trimmingSuffixNewlines
        if text.hasPrefix("HTTP/") {
            // A new response begins (after a redirect or a 100 Continue): forget the last one's headers.
            responseHeaders = []
            responseStatus = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return true
        }
        if text.isEmpty {
            // The headers end. An interim answer (1xx) or a redirect being followed has no body for us.
            let followed = request.followRedirects && (300..<400).contains(responseStatus) && header("location") != nil
            if responseStatus < 200 || followed { return true }
            return placeBody()
        }
        guard let colon = text.firstIndex(of: ":") else { return true }
        let name = String(text[..<colon])
        let value = String(text[text.index(after: colon)...]).trimmingSpaces
        responseHeaders.append(HTTPHeader(name, value))
        return true
    }

    fileprivate func receiveBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        received += Int64(bytes.count)
        if case .prefix(let wanted) = request.destination {
            body.append(contentsOf: bytes.prefix(wanted - body.count))
            if body.count >= wanted {
                stoppedEarly = true
                return false
            }
            return true
        }
        if downloadDescriptor >= 0 && !bodyToFile {
            // An error page: kept for its text, never written into the file.
            body.append(contentsOf: bytes.prefix(max(0, 65_536 - body.count)))
            return true
        }
        if downloadDescriptor >= 0 {
            if case .file(_, _, let cap?) = request.destination, fileBytes + Int64(bytes.count) > cap {
                failure = .downloadTooLarge(host: request.host, limit: cap)
                return false
            }
            fileBytes += Int64(bytes.count)
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
        // Bytes handed to libcurl go out on the connection: from here the server may act on them.
        mayHaveSent = true
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

    /// False aborts the transfer: cancelled by the task that waits for it, before anything left,
    /// or (with patience) once the wait for the answer has been given up.
    fileprivate func report(_ progress: TransferProgress) -> Bool {
        if progress.bytesSent > 0 { mayHaveSent = true }
        if cancelled.load(ordering: .relaxed) {
            guard let patience, requestMayHaveLeft else { return false }
            let now = ContinuousClock.now
            if waitingSince == nil {
                waitingSince = now
                patience.onWaiting()
            }
            if patience.stop.isStopped || waitingSince!.duration(to: now) >= .milliseconds(Int(patience.seconds * 1000)) {
                abandoned = true
                return false
            }
        }
        self.progress?(progress)
        return true
    }

    private var requestMayHaveLeft: Bool {
        if mayHaveSent { return true }
        var requestSize = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
        return requestSize > 0
    }

    // MARK: Errors

    private func error(for code: CURLcode) -> HTTPError {
        if let failure { return failure }
        let sent = requestMayHaveLeft
        let host = request.host
        if abandoned || (cancelled.load(ordering: .relaxed) && sent) { return .interruptedAfterSending(host: host) }
        if cancelled.load(ordering: .relaxed) { return .cancelled }
        let detail = String(cString: curl_easy_strerror(code))
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
    let accepted = buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer(context).receiveHeader(UnsafeBufferPointer(start: $0, count: length))
    }
    // Returning fewer bytes than given makes libcurl stop with CURLE_WRITE_ERROR.
    return accepted ? length : 0
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
