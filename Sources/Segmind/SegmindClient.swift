import HTTP
import HTTPTypes
import Support

/// Segmind's v2 async API for Kling O1 video-to-video reference: submit, poll, fetch the result.
///
/// Better than the SDK at staying alive: every request waits on the key's shared request budget;
/// GETs are retried on 429 (until the stated reset), 5xx and transport failures with jittered
/// backoff; a submission is retried only when the server certainly did not take it, since a
/// second POST may start (and bill) a second job. Every wait is reported (`notices`).
public struct SegmindClient: Sendable {
    public let configuration: SegmindConfiguration
    public var retry: RetryPolicy
    public var polling = PollingPolicy()
    /// Hears every wait (budget, 429, retry) as it begins.
    public var notices: @Sendable (ClientNotice) -> Void = { _ in }
    /// The longest a 429's stated reset is waited for; further off, the call stops with
    /// `.rateLimitedUntil` instead of sleeping silently. 15 minutes unless the command says.
    public var longestRateLimitWait: Double = 900
    /// Where the body spelling Segmind accepted is remembered; nil to remember nothing.
    public var encodingMemory: RequestEncodingMemory?
    /// Where each host's way of being polled is remembered (`ResultPolling`); nil to learn it on
    /// every wait.
    public var pollingMemory: ResultPollingMemory?
    private let http = HTTPClient()
    /// The key's request budget this client draws on.
    public let budget: RequestBudget

    /// `budget` defaults to the one this process shares for the key.
    public init(configuration: SegmindConfiguration, retry: RetryPolicy = RetryPolicy(), budget: RequestBudget? = nil,
                encodingMemory: RequestEncodingMemory? = nil) {
        self.configuration = configuration
        self.retry = retry
        self.budget = budget
            ?? RequestBudget.shared(for: configuration)
        self.encodingMemory = encodingMemory
        polling = PollingPolicy().scaled(by: configuration.timeScale)
    }

    // MARK: The three calls

    /// Submits a job. Any 2xx answer means Segmind took it: one without a usable request id is
    /// `.submissionOutcomeUnknown`, never a refusal. Cancelled after the request may have left,
    /// it keeps waiting for the answer as `patience` says.
    public func submit(_ parameters: KlingRequest, patience: AnswerPatience = AnswerPatience()) async throws(APIError) -> Submission {
        let host = configuration.apiHost
        var encoding = encodingMemory?.encoding(for: host) ?? .documented
        var respelled: Set<String> = []
        while true {
            let request = try apiRequest(.post, url: configuration.apiBase + "/v2/\(KlingRequest.model)", body: parameters.wireBody(encoding))
            let response: HTTPAnswer
            do {
                response = try await exchange(request, safeToRepeat: false, requestID: nil, deadline: nil, patience: patience)
            } catch {
                // A 400 is not a job: when it names a field Segmind's reference spells two ways, try the other once.
                guard case .badRequest(let detail) = error, let field = Self.respellable(detail, parameters, except: respelled) else {
                    throw error
                }
                respelled.insert(field)
                if field == "duration" { encoding.duration = encoding.duration == .text ? .integer : .text }
                else { encoding.elements = encoding.elements == .jsonText ? .array : .jsonText }
                continue
            }
            encodingMemory?.remember(encoding, for: host)
            return try Self.submission(from: response)
        }
    }

    /// The job's state. FAILED is a state here, not an error (the API serves it as 422).
    /// `statusURL`, the one the submission's answer gave, is used when it is on the API's host.
    public func status(of id: RequestID, statusURL: String? = nil, deadline: ContinuousClock.Instant? = nil) async throws(APIError) -> StatusReport {
        let request = try apiRequest(.get, url: url(statusURL, else: "/v2/requests/\(id)/status"))
        do throws(APIError) {
            let response = try await exchange(request, safeToRepeat: true, requestID: id, deadline: deadline)
            let json = try decode(response)
            guard let text = json["status"]?.string, let status = JobStatus(rawValue: text) else {
                throw APIError.unexpectedResponse(status: response.status.code, detail: "no status in \(excerpt(response))")
            }
            return StatusReport(status: status, error: json["error"]?.string)
        } catch {
            if case .jobFailed(_, let detail) = error { return StatusReport(status: .failed, error: detail) }
            throw error
        }
    }

    /// The finished job's output URLs, best first (`ResultCandidates`); `.jobFailed` for a FAILED
    /// job, `.noOutput` when COMPLETED without a URL anywhere in its answer.
    public func result(of id: RequestID, responseURL: String? = nil, deadline: ContinuousClock.Instant? = nil) async throws(APIError) -> JobResult {
        let request = try apiRequest(.get, url: url(responseURL, else: "/v2/requests/\(id)"))
        let response = try await exchange(request, safeToRepeat: true, requestID: id, deadline: deadline)
        let json = try decode(response)
        let urls = ResultCandidates.urls(in: json, apiHost: configuration.apiHost)
        guard !urls.isEmpty else {
            if let status = json["status"]?.string, status != JobStatus.completed.rawValue {
                throw .stillRunning(requestID: id, status: status)
            }
            throw .noOutput(requestID: id, body: excerpt(response))
        }
        return JobResult(requestID: id, outputURLs: urls)
    }

    /// Polls until the job finishes, then returns its result. The interval starts at 2 s and grows
    /// to 15 s (`polling`); `onPoll` hears each poll's answer, and when it was due. Throws
    /// `.stillRunning` past `deadline`, and `.cancelled` when the task is cancelled (the job itself
    /// goes on at Segmind).
    ///
    /// `firstPollAfter`: seconds before the first poll (the model's typical time for such a job,
    /// less what has passed since it was submitted), said as a notice. The result endpoint is
    /// polled directly unless this host is known not to answer it for a running job
    /// (`ResultPolling`): a finished job then costs one request, not two.
    public func waitForResult(of job: JobLocation, deadline: ContinuousClock.Instant? = nil, firstPollAfter: Double = 0,
                              onPoll: @Sendable (JobPoll) -> Void = { _ in }) async throws(APIError) -> JobResult {
        try await waitForModel(firstPollAfter, deadline: deadline)
        // After a wait for the typical time, a job still running is most likely nearly done, but
        // polling it every 2 s would spend many requests when it is not: 5 % of that wait apart
        // (11 s after Kling's 224 s), growing as usual.
        var interval = max(polling.firstInterval, min(polling.longestInterval, firstPollAfter * 0.05))
        let host = configuration.apiHost
        let known = pollingMemory?.polling(for: host)
        var direct = known != .separate
        // Written once, when a wait learns something the memory did not hold (not a file per poll).
        func learn(_ polling: ResultPolling) {
            if known != polling { pollingMemory?.remember(polling, for: host) }
        }
        while true {
            let due = Date()
            let report: StatusReport
            if direct {
                switch try await pollResult(job, deadline: deadline) {
                case .finished(let result):
                    onPoll(JobPoll(status: .completed, due: due))
                    learn(.direct)
                    return result
                case .running(let status):
                    learn(.direct)
                    direct = true
                    report = StatusReport(status: status, error: nil)
                case .refused:
                    // This host's result endpoint does not answer a running job: the documented way.
                    direct = false
                    report = try await status(of: job.requestID, statusURL: job.statusURL, deadline: deadline)
                    learn(.separate)
                }
            } else {
                report = try await status(of: job.requestID, statusURL: job.statusURL, deadline: deadline)
            }
            onPoll(JobPoll(status: report.status, due: due))
            switch report.status {
            case .completed:
                return try await result(of: job.requestID, responseURL: job.responseURL, deadline: deadline)
            case .failed:
                throw .jobFailed(requestID: job.requestID, detail: report.error ?? "no detail given")
            case .queued, .processing:
                if let deadline, ContinuousClock.now.advanced(by: .seconds(interval)) > deadline {
                    throw .stillRunning(requestID: job.requestID, status: report.status.rawValue)
                }
                try await sleep(seconds: interval)
                interval = min(polling.longestInterval, interval * polling.growth)
            }
        }
    }

    public func waitForResult(of id: RequestID, deadline: ContinuousClock.Instant? = nil,
                              onStatus: @Sendable (JobStatus) -> Void = { _ in }) async throws(APIError) -> JobResult {
        try await waitForResult(of: JobLocation(requestID: id), deadline: deadline) { onStatus($0.status) }
    }

    /// What the result endpoint says of a job: its result, that it is still running, or nothing
    /// usable for a running job (an error status other than FAILED's 422).
    private enum ResultPoll {
        case finished(JobResult)
        case running(JobStatus)
        case refused
    }

    private func pollResult(_ job: JobLocation, deadline: ContinuousClock.Instant?) async throws(APIError) -> ResultPoll {
        do {
            return .finished(try await result(of: job.requestID, responseURL: job.responseURL, deadline: deadline))
        } catch {
            switch error {
            case .stillRunning(_, let status):
                guard let running = JobStatus(rawValue: status) else { return .refused }
                return .running(running)
            // A 404 here may be this endpoint's way of saying "not finished": the status endpoint
            // decides whether the job is unknown.
            case .notFound, .badRequest, .unexpectedResponse:
                return .refused
            default:
                throw error
            }
        }
    }

    /// Sleeps before the first poll, saying so; never past `deadline`.
    private func waitForModel(_ seconds: Double, deadline: ContinuousClock.Instant?) async throws(APIError) {
        var wait = seconds
        if let deadline { wait = min(wait, max(0, ContinuousClock.now.duration(to: deadline).inSeconds)) }
        guard wait > 0 else { return }
        if wait >= 0.5 { notices(.waitingForModel(seconds: wait)) }
        try await sleep(seconds: wait)
    }

    // MARK: Reading a submission's answer

    /// A 2xx answer to a submission: the job exists. Its id must be readable to be followed.
    static func submission(from response: HTTPAnswer) throws(APIError) -> Submission {
        let taken = "Segmind answered \(response.status.code), so the job was taken"
        guard let json = try? JSONValue.decode(response.body) else {
            throw .submissionOutcomeUnknown(detail: "\(taken), but its answer is not JSON: \(Redaction.redact(String(response.bodyText.prefix(200))))")
        }
        guard let text = json["request_id"]?.string, !text.isEmpty else {
            throw .submissionOutcomeUnknown(detail: "\(taken), but its answer has no request_id: \(Redaction.redact(String(response.bodyText.prefix(200))))")
        }
        guard let id = RequestID(text) else {
            throw .submissionOutcomeUnknown(detail: "\(taken), but its request_id is not one kling-media can follow: \(Redaction.redact(String(text.prefix(80))))")
        }
        let status = json["status"]?.string.flatMap(JobStatus.init(rawValue:)) ?? .queued
        return Submission(requestID: id, status: status, statusURL: json["status_url"]?.string, responseURL: json["response_url"]?.string)
    }

    /// The field a 400's message names that may be spelled the other way (and has not been yet).
    static func respellable(_ detail: String, _ parameters: KlingRequest, except tried: Set<String>) -> String? {
        let text = detail.lowercased()
        if text.contains("duration"), !tried.contains("duration") { return "duration" }
        if text.contains("elements"), !parameters.elements.isEmpty, !tried.contains("elements") { return "elements" }
        return nil
    }

    // MARK: The exchange, with the retry rules

    private func exchange(_ request: HTTPExchange, safeToRepeat: Bool, requestID: RequestID?,
                          deadline: ContinuousClock.Instant?, patience: AnswerPatience? = nil) async throws(APIError) -> HTTPAnswer {
        var attempt = 0
        let notices = notices
        // When the first 429 with a stated reset came: those are waited out without counting as
        // failed attempts (a busy batch meets many in a row), up to `longestRateLimitWait` in all.
        var rateLimitedSince: ContinuousClock.Instant?
        while true {
            attempt += 1
            let ticket: Int
            do {
                let waited = rateLimitedSince.map { $0.duration(to: .now).inSeconds } ?? 0
                ticket = try await budget.acquire(longestPause: longestRateLimitWait - waited) { wait in
                    switch wait {
                    case .budget(let seconds, let rate): notices(.waitingForBudget(seconds: seconds, requestsPerMinute: rate))
                    case .serverReset(let seconds): notices(.rateLimited(until: Date().addingTimeInterval(seconds), seconds: seconds))
                    }
                }
            } catch let paused as RequestBudget.PausedTooLong {
                throw .rateLimitedUntil(reset: paused.until, detail: "an earlier 429 for this key paused every request until then")
            } catch { throw .cancelled }
            let wait: Double
            /// What failed, for the retry notice; nil when the wait was announced already.
            let reason: String?
            do {
                let sent = await sendCounted(request, ticket: ticket, patience: patience)
                let response = try sent.get()
                switch response.status.code {
                case 200..<300:
                    return response
                case 429:
                    // Refused, so never taken: safe to repeat even a submission.
                    let stated = RetryAfter.seconds(from: response)
                    if let stated {
                        let since = rateLimitedSince ?? .now
                        rateLimitedSince = since
                        let waited = since.duration(to: .now).inSeconds
                        if waited + stated > longestRateLimitWait {
                            throw APIError.rateLimitedUntil(reset: Date().addingTimeInterval(stated), detail: ErrorDetail.extract(from: response.body))
                        }
                        notices(.rateLimited(until: Date().addingTimeInterval(stated), seconds: stated))
                        attempt -= 1
                    }
                    guard attempt < retry.maxAttempts else { throw APIError.from(status: 429, body: response.body, requestID: requestID) }
                    wait = stated ?? retry.backoff(afterAttempt: attempt)
                    reason = stated == nil ? "Segmind answered 429 (rate limited) without saying until when" : nil
                case 502, 503:
                    // The gateway answered for a backend it could not reach: the job was not taken.
                    guard attempt < retry.maxAttempts else { throw APIError.from(status: response.status.code, body: response.body, requestID: requestID) }
                    wait = RetryAfter.seconds(from: response) ?? retry.backoff(afterAttempt: attempt)
                    reason = "Segmind answered \(response.status.code) (\(ErrorDetail.extract(from: response.body)))"
                case 500, 504:
                    // The server may have acted before failing: a submission's fate is unknown.
                    if !safeToRepeat {
                        throw APIError.submissionOutcomeUnknown(
                            detail: "HTTP \(response.status.code): \(ErrorDetail.extract(from: response.body))")
                    }
                    guard attempt < retry.maxAttempts else { throw APIError.from(status: response.status.code, body: response.body, requestID: requestID) }
                    wait = retry.backoff(afterAttempt: attempt)
                    reason = "Segmind answered \(response.status.code) (\(ErrorDetail.extract(from: response.body)))"
                default:
                    if !safeToRepeat, response.status.kind != .clientError {
                        // Neither taken for certain nor refused: a 3xx, or a 5xx nobody documents.
                        throw APIError.submissionOutcomeUnknown(
                            detail: "HTTP \(response.status.code): \(ErrorDetail.extract(from: response.body))")
                    }
                    throw APIError.from(status: response.status.code, body: response.body, requestID: requestID)
                }
            } catch let error as HTTPError {
                if error == .cancelled { throw .cancelled }
                let repeatable = safeToRepeat || error.requestCertainlyNotSent
                if !repeatable { throw .submissionOutcomeUnknown(detail: error.description) }
                if error.isCancellation { throw .cancelled }
                guard error.isTransient, attempt < retry.maxAttempts else { throw .transport(error) }
                wait = retry.backoff(afterAttempt: attempt)
                reason = error.description
            } catch let error as APIError {
                throw error
            } catch {
                throw .unexpectedResponse(status: 0, detail: "\(error)")
            }
            if let deadline, ContinuousClock.now.advanced(by: .seconds(wait)) > deadline {
                throw .stillRunning(requestID: requestID, status: "unanswered (the deadline came during retries)")
            }
            if let reason { notices(.retrying(reason: reason, seconds: wait, attempt: attempt + 1, of: retry.maxAttempts)) }
            try await sleep(seconds: wait)
        }
    }

    /// Sends, and tells the budget what came back (a 429 pauses everyone until its reset and cuts
    /// the learned rate; other answers let it grow). A change of rate is said.
    private func sendCounted(_ request: HTTPExchange, ticket: Int, patience: AnswerPatience?) async -> Result<HTTPAnswer, HTTPError> {
        let result: Result<HTTPAnswer, HTTPError>
        do { result = .success(try await http.send(request, patience: patience)) } catch { result = .failure(error) }
        switch result {
        case .failure(let error) where error.requestCertainlyNotSent:
            await budget.neverSent(ticket)
        case .failure:
            await budget.answered(ticket, .unanswered)
        case .success(let response):
            let answer: RequestBudget.Answer = response.status.code == 429
                ? .throttled(resetAt: RetryAfter.seconds(from: response).map { Date().addingTimeInterval($0) })
                : .accepted(statedLimit: RateLimitHeaders.limit(in: response))
            if let change = await budget.answered(ticket, answer) {
                notices(.budgetChanged(from: change.from, to: change.to, reason: change.reason, window: budget.window))
            }
        }
        return result
    }

    /// A request to the API. Only these carry the key, and only to the API's own host.
    private func apiRequest(_ method: HTTPRequest.Method, url: String, body: [UInt8]? = nil) throws(APIError) -> HTTPExchange {
        var headers = HTTPFields([configuration.apiKey.headerField, HTTPField(name: .accept, value: "application/json")])
        if body != nil { headers[.contentType] = "application/json" }
        do {
            return try HTTPExchange(method, url: url, headers: headers, body: body.map(RequestBody.bytes) ?? .none,
                                    connectTimeout: 15, totalTimeout: 60, followRedirects: false)
        } catch {
            throw .transport(error)
        }
    }

    /// `given` (a URL from Segmind's answer) when it is on the API's own host and scheme, so the
    /// key never goes elsewhere; else the API base with `path`.
    private func url(_ given: String?, else path: String) -> String {
        if let given, let parts = URLParts(given), let base = URLParts(configuration.apiBase),
           parts.host == base.host, parts.scheme == base.scheme, given.hasPrefix(configuration.apiBase + "/") {
            return given
        }
        return configuration.apiBase + path
    }

    private func decode(_ response: HTTPAnswer) throws(APIError) -> JSONValue {
        do { return try JSONValue.decode(response.body) } catch {
            throw .unexpectedResponse(status: response.status.code, detail: "not JSON: \(excerpt(response))")
        }
    }

    private func excerpt(_ response: HTTPAnswer) -> String {
        Redaction.redact(String(response.bodyText.prefix(300)))
    }

    private func sleep(seconds: Double) async throws(APIError) {
        do { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) } catch { throw .cancelled }
    }
}

/// Where to ask about a job: its id, and the status and response URLs its submission's answer
/// gave (used only when on the API's host).
public struct JobLocation: Sendable, Equatable {
    public var requestID: RequestID
    public var statusURL: String?
    public var responseURL: String?

    public init(requestID: RequestID, statusURL: String? = nil, responseURL: String? = nil) {
        self.requestID = requestID
        self.statusURL = statusURL
        self.responseURL = responseURL
    }
}
