/// What the Segmind client waits for, as it happens, so that no wait is silent: the library
/// reports these, the CLI says them.
public enum ClientNotice: Sendable, Equatable {
    /// The key's request budget is spent for now: the next request waits.
    case waitingForBudget(seconds: Double, requestsPerMinute: Int)
    /// Segmind answered 429: every request of this process waits until the stated reset.
    case rateLimited(until: Date, seconds: Double)
    /// A request failed in a way worth trying again; the next try is `seconds` away.
    case retrying(reason: String, seconds: Double, attempt: Int, of: Int)
    /// The first poll of a job waits this long: jobs like it took about that long here (polls
    /// before then would only spend the request budget).
    case waitingForModel(seconds: Double)
}
