import HTTPTypes
import Support
import Synchronization
import SystemPackage
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
    private let exchange: HTTPExchange
    private let progress: (@Sendable (TransferProgress) -> Void)?
    private let patience: AnswerPatience?
    /// Set by the task that waits for this transfer when it is cancelled.
    let cancelled = Atomic<Bool>(false)

    // State the callbacks fill in, on the performing thread.
    private var responseFields = HTTPFields()
    private var responseStatus = 0
    private var body: [UInt8] = []
    private var received: Int64 = 0
    private var uploadFile: FileDescriptor?
    private var uploadSource: (any BodySource)?
    private var pendingUpload: ArraySlice<UInt8> = []
    private var downloadFile: FileDescriptor?
    /// Whether the current answer's body goes into the file (a 2xx) or to memory (an error page).
    private var bodyToFile = false
    /// Bytes in the file once the current answer's body is all written: where it starts, plus what came.
    private var fileBytes: Int64 = 0
    /// Some of the request may have reached the connection: from now on the server may act on it.
    private var mayHaveSent = false
    /// When cancellation found the request already sent and began waiting for its answer.
    private var waitingSince: ContinuousClock.Instant?
    /// The last progress passed on: libcurl calls its progress function many times a second
    /// whether or not bytes moved (each value came twice, and "0 bytes" a dozen times while
    /// connecting), and every call became an event: a status-line redraw, or with `--json` a line
    /// of its own.
    private var lastReported: TransferProgress?
    private var abandoned = false
    /// A `.prefix` destination got its bytes and stopped the transfer on purpose.
    private var stoppedEarly = false
    private var failure: HTTPError?

    init(_ exchange: HTTPExchange, progress: (@Sendable (TransferProgress) -> Void)?, patience: AnswerPatience?) throws(HTTPError) {
        CurlLibrary.prepare()
        guard let handle = curl_easy_init() else {
            throw .other(host: exchange.host, code: -1, detail: "libcurl could not start a transfer", requestSent: false)
        }
        self.handle = handle
        self.exchange = exchange
        self.progress = progress
        self.patience = patience
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        try? uploadFile?.close()
        try? downloadFile?.close()
    }

    /// Runs the exchange to its end, blocking the calling thread.
    func perform() -> Result<HTTPAnswer, HTTPError> {
        do {
            try configure()
        } catch {
            return .failure(error)
        }
        let code = curl_easy_perform(handle)
        let finished = code == CURLE_OK || (code == CURLE_WRITE_ERROR && stoppedEarly)
        if finished, let downloadFile {
            do { try SystemCalls.sync(downloadFile) } catch {
                return .failure(.fileUnwritable(path: downloadPath ?? "?", detail: "\(error)"))
            }
        }
        guard finished else { return .failure(error(for: code)) }
        var status = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let head = HTTPResponse(status: .init(code: status), headerFields: responseFields)
        return .success(HTTPAnswer(head: head, body: body, bytesReceived: received))
    }

    private var downloadPath: String? {
        if case .file(let path, _, _) = exchange.destination { return path }
        return nil
    }

    private func configure() throws(HTTPError) {
        try set(CURLOPT_URL, exchange.url)
        // Only HTTP(S), also after redirects: a server cannot bounce us to file:// or elsewhere.
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        // TLS verification is always on; there is deliberately no switch to turn it off.
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try set(CURLOPT_FOLLOWLOCATION, exchange.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, 10)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(exchange.connectTimeout * 1000))
        if let total = exchange.totalTimeout { try set(CURLOPT_TIMEOUT_MS, Int(total * 1000)) }
        // Abandon a transfer that moves under 1 byte/s for `stallTimeout` seconds.
        try set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(exchange.stallTimeout)))
        try set(CURLOPT_USERAGENT, "kling-media/\(CurlLibrary.userAgentVersion)")
        try configureMethodAndBody()
        try configureDestination()

        for field in exchange.head.headerFields {
            headerList = curl_slist_append(headerList, "\(field.name.rawName): \(field.value)")
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
        let method = exchange.head.method
        switch method {
        case .get: try set(CURLOPT_HTTPGET, 1)
        case .head: try set(CURLOPT_NOBODY, 1)
        case .post: try set(CURLOPT_POST, 1)
        case .put: try set(CURLOPT_UPLOAD, 1)
        default: try set(CURLOPT_CUSTOMREQUEST, method.rawValue)
        }
        let length: Int64
        switch exchange.body {
        case .none:
            length = 0
        case .bytes(let bytes):
            pendingUpload = bytes[...]
            length = Int64(bytes.count)
        case .file(let path):
            do {
                let file = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
                uploadFile = file
                length = try file.stat().size
            } catch {
                throw .fileUnreadable(path: path, detail: "\((error as? Errno) ?? .ioError)")
            }
        case .stream(let total, let source, let open):
            do { uploadSource = try open() } catch {
                throw .fileUnreadable(path: source, detail: error.description)
            }
            length = total
        }
        guard method == .post || method == .put else { return }
        try check(CCurl_setopt_off_t(handle, method == .put ? CURLOPT_INFILESIZE_LARGE : CURLOPT_POSTFIELDSIZE_LARGE,
                                     curl_off_t(length)))
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(CCurl_setopt_data_callback(handle, CURLOPT_READFUNCTION, curlReadCallback))
        try check(CCurl_setopt_pointer(handle, CURLOPT_READDATA, context))
    }

    private func configureDestination() throws(HTTPError) {
        guard case .file(let path, let offset, _) = exchange.destination else { return }
        // Never through a symbolic link, and private until renamed into place. A resumed download
        // opens the partial file that is there; the Range header asks for the rest, and the
        // answer's status decides where its body goes (`placeBody`). libcurl's own resume option
        // is not used: it fails outright (CURLE_RANGE_ERROR) when a server ignores the Range.
        do {
            downloadFile = try FileDescriptor.open(FilePath(path), .writeOnly,
                                                   options: offset > 0 ? [.noFollow, .closeOnExec] : [.create, .truncate, .noFollow, .closeOnExec],
                                                   permissions: .ownerReadWrite)
        } catch {
            throw .fileUnwritable(path: path, detail: "\((error as? Errno) ?? .ioError)")
        }
        if offset > 0 { headerList = curl_slist_append(headerList, "Range: bytes=\(offset)-") }
    }

    /// Where the body of the answer whose headers just ended goes, for a file destination.
    /// False aborts the transfer (with `failure` set).
    private func placeBody() -> Bool {
        guard case .file(let path, let offset, _) = exchange.destination, let downloadFile else { return true }
        bodyToFile = (200..<300).contains(responseStatus)
        guard bodyToFile else { return true }
        var start: Int64 = 0
        if responseStatus == 206 {
            guard let first = ContentRange(responseFields[.contentRange])?.first, first == offset else {
                failure = .rangeMismatch(host: exchange.host)
                return false
            }
            start = first
        }
        // A 200 after a Range request is the whole file: it replaces what was there.
        do {
            try downloadFile.resize(to: start)
            try downloadFile.seek(offset: start, from: .start)
        } catch {
            failure = .fileUnwritable(path: path, detail: "\((error as? Errno) ?? .ioError)")
            return false
        }
        fileBytes = start
        return true
    }

    // MARK: Callbacks (on the performing thread)

    /// False aborts the transfer.
    fileprivate func receiveHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // An answer is coming, so the request reached the server.
        mayHaveSent = true
        let text = String(decoding: line, as: UTF8.self).trimmingSuffixNewlines
        if text.hasPrefix("HTTP/") {
            // A new response begins (after a redirect or a 100 Continue): forget the last one's headers.
            responseFields = HTTPFields()
            responseStatus = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return true
        }
        if text.isEmpty {
            // The headers end. An interim answer (1xx) or a redirect being followed has no body for us.
            let followed = exchange.followRedirects && (300..<400).contains(responseStatus) && responseFields[.location] != nil
            if responseStatus < 200 || followed { return true }
            return placeBody()
        }
        guard let colon = text.firstIndex(of: ":"), let name = HTTPField.Name(String(text[..<colon])) else { return true }
        responseFields.append(HTTPField(name: name, value: text[text.index(after: colon)...].trimmingWhitespace))
        return true
    }

    fileprivate func receiveBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        received += Int64(bytes.count)
        if case .prefix(let wanted) = exchange.destination {
            body.append(contentsOf: bytes.prefix(wanted - body.count))
            if body.count >= wanted {
                stoppedEarly = true
                return false
            }
            return true
        }
        guard let downloadFile else {
            if case .memory(let limit) = exchange.destination, body.count + bytes.count > limit {
                failure = .responseTooLarge(host: exchange.host, limit: limit)
                return false
            }
            body.append(contentsOf: bytes)
            return true
        }
        guard bodyToFile else {
            // An error page: kept for its text, never written into the file.
            body.append(contentsOf: bytes.prefix(max(0, 65_536 - body.count)))
            return true
        }
        if case .file(_, _, let cap?) = exchange.destination, fileBytes + Int64(bytes.count) > cap {
            failure = .downloadTooLarge(host: exchange.host, limit: cap)
            return false
        }
        do {
            _ = try downloadFile.writeAll(UnsafeRawBufferPointer(bytes))
        } catch {
            failure = .fileUnwritable(path: downloadPath ?? "?", detail: "\((error as? Errno) ?? .ioError)")
            return false
        }
        fileBytes += Int64(bytes.count)
        return true
    }

    /// Fills `buffer` with the next bytes of the request body; 0 at its end, nil to abort.
    fileprivate func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        // Bytes handed to libcurl go out on the connection: from here the server may act on them.
        mayHaveSent = true
        if let uploadSource {
            do { return try uploadSource.read(into: buffer) } catch {
                if case .stream(_, let source, _) = exchange.body {
                    failure = .fileUnreadable(path: source, detail: error.description)
                }
                return nil
            }
        }
        if let uploadFile {
            do { return try uploadFile.read(into: buffer) } catch {
                if case .file(let path) = exchange.body {
                    failure = .fileUnreadable(path: path, detail: "\((error as? Errno) ?? .ioError)")
                }
                return nil
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
        if progress != lastReported {
            lastReported = progress
            self.progress?(progress)
        }
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
        let host = exchange.host
        if abandoned || (cancelled.load(ordering: .relaxed) && sent) { return .interruptedAfterSending(host: host) }
        if cancelled.load(ordering: .relaxed) { return .cancelled }
        let detail = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(exchange.url)
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
            throw .other(host: exchange.host, code: Int(code.rawValue), detail: String(cString: curl_easy_strerror(code)),
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
}
