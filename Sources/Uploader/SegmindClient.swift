import FoundationEssentials

/// Segmind's v2 async API for Kling O1 video-to-video reference: submit, poll, fetch the result.
///
/// Better than the SDK at staying alive: every request waits on the key's shared request budget;
/// GETs are retried on 429 (until the stated reset), 5xx and transport failures with jittered
/// backoff; a submission is retried only when the server certainly did not take it, since a
/// second POST may start (and bill) a second job.
public struct SegmindClient: Sendable {
    public let configuration: SegmindConfiguration
    public var retry: RetryPolicy
    public var polling = PollingPolicy()
    private let http = HTTPClient()
    private let budget: RequestBudget

    /// `budget` defaults to the one this process shares for the key.
    public init(configuration: SegmindConfiguration, retry: RetryPolicy = RetryPolicy(), budget: RequestBudget? = nil) {
        self.configuration = configuration
        self.retry = retry
        self.budget = budget
            ?? RequestBudget.shared(for: configuration.apiKey, requestsPerMinute: configuration.requestsPerMinute)
    }

    // MARK: The three calls

    public func submit(_ parameters: KlingRequest) async throws(APIError) -> Submission {
        let body: [UInt8]
        do { body = Array(try JSONEncoder().encode(parameters)) } catch { throw .badRequest(detail: "\(error)") }
        let request = apiRequest(.post, path: "/v2/\(KlingRequest.model)", body: body)
        let response = try await exchange(request, safeToRepeat: false, requestID: nil, deadline: nil)
        let json = try decode(response)
        guard let id = json["request_id"]?.string, !id.isEmpty else {
            throw .unexpectedResponse(status: response.status, detail: "no request_id in \(excerpt(response))")
        }
        let status = json["status"]?.string.flatMap(JobStatus.init(rawValue:)) ?? .queued
        return Submission(requestID: id, status: status)
    }

    /// The job's state. FAILED is a state here, not an error (the API serves it as 422).
    public func status(of id: String, deadline: ContinuousClock.Instant? = nil) async throws(APIError) -> StatusReport {
        let request = apiRequest(.get, path: "/v2/requests/\(id)/status")
        do throws(APIError) {
            let response = try await exchange(request, safeToRepeat: true, requestID: id, deadline: deadline)
            let json = try decode(response)
            guard let text = json["status"]?.string, let status = JobStatus(rawValue: text) else {
                throw APIError.unexpectedResponse(status: response.status, detail: "no status in \(excerpt(response))")
            }
            return StatusReport(status: status, error: json["error"]?.string)
        } catch {
            if case .jobFailed(_, let detail) = error { return StatusReport(status: .failed, error: detail) }
            throw error
        }
    }

    /// The finished job's output URLs; `.jobFailed` for a FAILED job, `.noOutput` when COMPLETED
    /// without a URL anywhere in its output.
    public func result(of id: String, deadline: ContinuousClock.Instant? = nil) async throws(APIError) -> JobResult {
        let response = try await exchange(apiRequest(.get, path: "/v2/requests/\(id)"), safeToRepeat: true,
                                          requestID: id, deadline: deadline)
        let json = try decode(response)
        let urls = (json["output"] ?? .null).urls
        guard !urls.isEmpty else {
            if let status = json["status"]?.string, status != JobStatus.completed.rawValue {
                throw .stillRunning(requestID: id, status: status)
            }
            throw .noOutput(requestID: id, body: excerpt(response))
        }
        return JobResult(requestID: id, outputURLs: urls)
    }

    /// Polls until the job finishes, then returns its result. The interval starts at 2 s and grows
    /// to 15 s (`polling`); `onStatus` hears each poll's answer. Throws `.stillRunning` past `deadline`, and
    /// `.cancelled` when the task is cancelled (the job itself goes on at Segmind).
    public func waitForResult(of id: String, deadline: ContinuousClock.Instant? = nil,
                              onStatus: @Sendable (JobStatus) -> Void = { _ in }) async throws(APIError) -> JobResult {
        var interval = polling.firstInterval
        while true {
            let report = try await status(of: id, deadline: deadline)
            onStatus(report.status)
            switch report.status {
            case .completed:
                return try await result(of: id, deadline: deadline)
            case .failed:
                throw .jobFailed(requestID: id, detail: report.error ?? "no detail given")
            case .queued, .processing:
                if let deadline, ContinuousClock.now.advanced(by: .seconds(interval)) > deadline {
                    throw .stillRunning(requestID: id, status: report.status.rawValue)
                }
                try await sleep(seconds: interval)
                interval = min(polling.longestInterval, interval * polling.growth)
            }
        }
    }

    // MARK: The exchange, with the retry rules

    private func exchange(_ request: HTTPRequest, safeToRepeat: Bool, requestID: String?,
                          deadline: ContinuousClock.Instant?) async throws(APIError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let ticket: Int
            do { ticket = try await budget.acquire() } catch { throw .cancelled }
            let wait: Double
            do {
                let sent = await sendCounted(request, ticket: ticket)
                let response = try sent.get()
                switch response.status {
                case 200..<300:
                    return response
                case 429:
                    // Refused, so never taken: safe to repeat even a submission.
                    let stated = RetryAfter.seconds(from: response)
                    if let stated { await budget.pause(until: .now.advanced(by: .seconds(stated))) }
                    guard attempt < retry.maxAttempts else { throw APIError.from(status: 429, body: response.body, requestID: requestID) }
                    wait = stated ?? retry.backoff(afterAttempt: attempt)
                case 502, 503:
                    // The gateway answered for a backend it could not reach: the job was not taken.
                    guard attempt < retry.maxAttempts else { throw APIError.from(status: response.status, body: response.body, requestID: requestID) }
                    wait = RetryAfter.seconds(from: response) ?? retry.backoff(afterAttempt: attempt)
                case 500, 504:
                    // The server may have acted before failing: a submission's fate is unknown.
                    if !safeToRepeat {
                        throw APIError.submissionOutcomeUnknown(
                            detail: "HTTP \(response.status): \(ErrorDetail.extract(from: response.body))")
                    }
                    guard attempt < retry.maxAttempts else { throw APIError.from(status: response.status, body: response.body, requestID: requestID) }
                    wait = retry.backoff(afterAttempt: attempt)
                default:
                    throw APIError.from(status: response.status, body: response.body, requestID: requestID)
                }
            } catch let error as HTTPError {
                if error == .cancelled { throw .cancelled }
                let repeatable = safeToRepeat || error.requestCertainlyNotSent
                if !repeatable { throw .submissionOutcomeUnknown(detail: error.description) }
                guard error.isTransient, attempt < retry.maxAttempts else { throw .transport(error) }
                wait = retry.backoff(afterAttempt: attempt)
            } catch let error as APIError {
                throw error
            } catch {
                throw .unexpectedResponse(status: 0, detail: "\(error)")
            }
            if let deadline, ContinuousClock.now.advanced(by: .seconds(wait)) > deadline {
                throw .stillRunning(requestID: requestID ?? "?", status: "unanswered (the deadline came during retries)")
            }
            try await sleep(seconds: wait)
        }
    }

    /// Sends, and tells the budget when the answer came.
    private func sendCounted(_ request: HTTPRequest, ticket: Int) async -> Result<HTTPResponse, HTTPError> {
        let result: Result<HTTPResponse, HTTPError>
        do { result = .success(try await http.send(request)) } catch { result = .failure(error) }
        await budget.finished(ticket)
        return result
    }

    /// A request to the API base. Only these carry the key, and only to the API's own host.
    private func apiRequest(_ method: HTTPRequest.Method, path: String, body: [UInt8]? = nil) -> HTTPRequest {
        var headers = [HTTPHeader("x-api-key", configuration.apiKey.secret), HTTPHeader("accept", "application/json")]
        if body != nil { headers.append(HTTPHeader("content-type", "application/json")) }
        return HTTPRequest(method: method, url: configuration.apiBase + path, headers: headers,
                           body: body.map(HTTPBody.bytes) ?? .none, connectTimeout: 15, totalTimeout: 60,
                           followRedirects: false)
    }

    private func decode(_ response: HTTPResponse) throws(APIError) -> JSONBody {
        do { return try JSONBody.decode(response.body) } catch {
            throw .unexpectedResponse(status: response.status, detail: "not JSON: \(excerpt(response))")
        }
    }

    private func excerpt(_ response: HTTPResponse) -> String {
        Redaction.redact(String(response.bodyText.prefix(300)))
    }

    private func sleep(seconds: Double) async throws(APIError) {
        do { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) } catch { throw .cancelled }
    }
}
