import Synchronization

/// A per-key token bucket: every request of this process to Segmind waits for a token, so many
/// jobs polling at once stay within the plan's requests per minute. A 429 pauses everyone until
/// the window resets.
public actor RequestBudget {
    private let capacity: Double
    private let refillPerSecond: Double
    private var tokens: Double
    private var lastRefill: ContinuousClock.Instant
    private var pausedUntil: ContinuousClock.Instant?

    public init(requestsPerMinute: Int) {
        capacity = Double(max(1, requestsPerMinute))
        refillPerSecond = Double(max(1, requestsPerMinute)) / 60
        tokens = capacity
        lastRefill = .now
    }

    /// Waits until a request may be sent, then takes its token.
    public func acquire() async throws {
        while true {
            let now = ContinuousClock.now
            if let pausedUntil, now < pausedUntil {
                try await Task.sleep(until: pausedUntil, clock: .continuous)
                continue
            }
            refill(at: now)
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let wait = (1 - tokens) / refillPerSecond
            try await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up))))
        }
    }

    /// The server said the window is spent: nobody sends again before `instant`, and the bucket
    /// starts the next window empty-handed so a burst does not hit the limit again at once.
    public func pause(until instant: ContinuousClock.Instant) {
        if pausedUntil.map({ $0 < instant }) ?? true { pausedUntil = instant }
        tokens = 0
        lastRefill = instant
    }

    private func refill(at now: ContinuousClock.Instant) {
        guard now > lastRefill else { return }
        let elapsed = lastRefill.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + seconds * refillPerSecond)
        lastRefill = now
    }

    /// One budget per key and rate in this process, so separate clients share it.
    public static func shared(for key: APIKey, requestsPerMinute: Int) -> RequestBudget {
        registry.withLock { budgets in
            let name = "\(key.secret.hashValue)/\(requestsPerMinute)"
            if let budget = budgets[name] { return budget }
            let budget = RequestBudget(requestsPerMinute: requestsPerMinute)
            budgets[name] = budget
            return budget
        }
    }

    private static let registry = Mutex<[String: RequestBudget]>([:])
}
