/// What the Segmind client waits for, as it happens, so that no wait is silent: the library
/// reports these, the CLI says them.
public enum ClientNotice: Sendable, Equatable {
    /// The key's request budget is spent for now: the next request waits. The rate is the one
    /// learned so far (requests a minute, or a simulator's shorter window).
    case waitingForBudget(seconds: Double, requestsPerMinute: Int)
    /// The learned rate changed: grew after whole minutes used without a 429, was cut by a 429,
    /// or was stated by the server's headers. `window` is the plan's minute in seconds (60 but
    /// for a simulator at a time scale).
    case budgetChanged(from: Int, to: Int, reason: RateLedger.Change.Reason, window: Double)
    /// Segmind answered 429: every request of this process waits until the stated reset.
    case rateLimited(until: Date, seconds: Double)
    /// A request failed in a way worth trying again; the next try is `seconds` away.
    case retrying(reason: String, seconds: Double, attempt: Int, of: Int)
    /// The first poll of a job waits this long: jobs like it took about that long here (polls
    /// before then would only spend the request budget).
    case waitingForModel(seconds: Double)
}
