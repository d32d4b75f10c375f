import Support

/// Sends HTTP requests with libcurl, one blocking transfer per request on a thread of its own
/// (`DedicatedThread`), behind an async API that honours task cancellation.
public struct HTTPClient: Sendable {
    public init() {}

    /// Sends `request` and returns whatever status came back. Throws only when no response came:
    /// transport failures, a body over its limit, cancellation (`.cancelled` when nothing had
    /// left, `.interruptedAfterSending` when some may have). With `patience`, a cancellation after
    /// the request may have left keeps waiting for the answer instead (see `AnswerPatience`).
    public func send(_ exchange: HTTPExchange, progress: (@Sendable (TransferProgress) -> Void)? = nil,
                     patience: AnswerPatience? = nil) async throws(HTTPError) -> HTTPAnswer {
        let transfer = try CurlTransfer(exchange, progress: progress, patience: patience)
        if Task.isCancelled { throw .cancelled }
        let result = await withTaskCancellationHandler {
            await DedicatedThread.run { transfer.perform() }
        } onCancel: {
            transfer.cancelled.store(true, ordering: .relaxed)
        }
        return try result.get()
    }
}
