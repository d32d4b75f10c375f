import Dispatch

/// Sends HTTP requests with libcurl, one blocking transfer per request on a dispatch worker, behind
/// an async API that honours task cancellation.
public struct HTTPClient: Sendable {
    public init() {}

    /// Sends `request` and returns whatever status came back. Throws only when no response came:
    /// transport failures, a body over its limit, cancellation.
    public func send(_ request: HTTPRequest,
                     progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(HTTPError) -> HTTPResponse {
        let transfer = try CurlTransfer(request, progress: progress)
        if Task.isCancelled { throw .cancelled }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>) in
                DispatchQueue.global(qos: .utility).async {
                    continuation.resume(returning: transfer.perform())
                }
            }
        } onCancel: {
            transfer.cancelled.store(true, ordering: .relaxed)
        }
        return try result.get()
    }
}
