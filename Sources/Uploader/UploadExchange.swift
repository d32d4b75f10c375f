import HTTP

/// One request of an upload, sent until it succeeds or trying again would not help. Uploads start
/// no paid work, so unlike a submission they may always be sent again.
enum UploadExchange {
    /// Retries 429 and 5xx answers (after `Retry-After` when given) and transient transport
    /// failures, `retry.maxAttempts` tries in all. `detail` reads a refusal's reason from its body.
    static func send(_ request: HTTPExchange, retry: RetryPolicy,
                     progress: (@Sendable (TransferProgress) -> Void)? = nil,
                     detail: (HTTPAnswer) -> String) async throws(UploadError) -> HTTPAnswer {
        let http = HTTPClient()
        var attempt = 0
        while true {
            attempt += 1
            let wait: Double
            do {
                let response = try await http.send(request, progress: progress)
                if response.isSuccess { return response }
                guard response.status == .tooManyRequests || response.status.kind == .serverError, attempt < retry.maxAttempts else {
                    throw UploadError.refused(status: response.status.code, detail: detail(response))
                }
                wait = RetryAfter.seconds(from: response) ?? retry.backoff(afterAttempt: attempt)
            } catch let error as HTTPError {
                if case .fileUnreadable(let path, let reason) = error { throw .unreadable(path, reason) }
                // Stopped, before or after sending: an upload may always be sent again, so either is a plain cancel.
                if error.isCancellation { throw .transport(.cancelled) }
                guard error.isTransient, attempt < retry.maxAttempts else { throw .transport(error) }
                wait = retry.backoff(afterAttempt: attempt)
            } catch let error as UploadError {
                throw error
            } catch {
                throw .transport(.other(host: request.host, code: -1, detail: "\(error)", requestSent: true))
            }
            do { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) } catch { throw .transport(.cancelled) }
        }
    }
}
