import Synchronization

/// The per-key request budget every request of this process to Segmind draws on, so that many
/// jobs polling at once stay within the plan's requests per minute.
///
/// A sliding-window log rather than a token bucket: a bucket that holds a minute's worth of
/// tokens can send twice the limit within one of the server's minute windows (a full burst at the
/// end of one, the refill at the start of the next). Here no 60 s span ever holds more than the
/// limit. A 429 pauses everyone until the server's stated reset.
///
/// The server counts a request when it arrives, somewhere between our sending it and its answer
/// coming back. So each request is stamped again when its answer comes (`finished`): windows are
/// then counted from times no earlier than the server's, however late a request arrived.
public actor RequestBudget {
    private let limit: Int
    private let window: Duration
    /// The last `limit` requests, oldest first: when each was sent, or answered once it was.
    private var sent: [(ticket: Int, at: ContinuousClock.Instant, answered: Bool)] = []
    private var nextTicket = 0
    private var pausedUntil: ContinuousClock.Instant?

    public init(requestsPerWindow limit: Int, window: Duration = .seconds(60)) {
        self.limit = max(1, limit)
        self.window = window
        margin = max(.milliseconds(100), window / 50)
    }

    /// 2 % of the window, at least 100 ms.
    private let margin: Duration

    /// Why `acquire` is about to wait, and for about how long.
    public enum Wait: Sendable, Equatable {
        /// The window holds `limit` requests already.
        case budget(seconds: Double)
        /// A 429 paused everyone until the server's reset.
        case serverReset(seconds: Double)
    }

    /// Waits until a request may be sent without exceeding the budget, and counts it. Hand the
    /// ticket back to `finished` when the answer (or the failure) comes. `onWait` hears each wait
    /// of half a second or more before it begins (once per kind).
    public func acquire(onWait: @Sendable (Wait) -> Void = { _ in }) async throws -> Int {
        var announced: Set<String> = []
        func announce(_ wait: Wait, _ kind: String, until instant: ContinuousClock.Instant, from now: ContinuousClock.Instant) {
            let seconds = now.duration(to: instant).inSeconds
            guard seconds >= 0.5, !announced.contains(kind) else { return }
            announced.insert(kind)
            switch wait {
            case .budget: onWait(.budget(seconds: seconds))
            case .serverReset: onWait(.serverReset(seconds: seconds))
            }
        }
        while true {
            let now = ContinuousClock.now
            if let pausedUntil, now < pausedUntil {
                announce(.serverReset(seconds: 0), "reset", until: pausedUntil, from: now)
                try await Task.sleep(until: pausedUntil, clock: .continuous)
                continue
            }
            // A request still in flight may yet arrive (and be counted) late: it stays until answered.
            sent.removeAll { $0.answered && $0.at.advanced(by: window) <= now }
            if sent.count < limit {
                nextTicket += 1
                sent.append((nextTicket, now, false))
                return nextTicket
            }
            // Past the oldest answered one's expiry, with a margin for clocks and scheduling; while
            // all are in flight, look again shortly.
            let wake = sent.filter(\.answered).map { $0.at.advanced(by: window + margin) }.min()
                ?? now.advanced(by: .milliseconds(50))
            announce(.budget(seconds: 0), "budget", until: wake, from: now)
            try await Task.sleep(until: wake, clock: .continuous)
        }
    }

    /// The request's answer came: from now on its window is counted from this moment.
    public func finished(_ ticket: Int) {
        if let index = sent.firstIndex(where: { $0.ticket == ticket }) {
            sent[index].at = .now
            sent[index].answered = true
        }
    }

    /// The request never reached the server (no connection, no name, TLS refused): it spends
    /// nothing of the window, so a run of refused connections does not pause the requests after it.
    public func neverSent(_ ticket: Int) {
        sent.removeAll { $0.ticket == ticket }
    }

    /// The limit this budget keeps to.
    public nonisolated var requestsPerWindow: Int { limit }

    /// The server said the window is spent: nobody sends again before `instant`.
    public func pause(until instant: ContinuousClock.Instant) {
        if pausedUntil.map({ $0 < instant }) ?? true { pausedUntil = instant }
    }

    /// One budget per key and rate in this process, so separate clients share it.
    public static func shared(for key: APIKey, requestsPerMinute: Int) -> RequestBudget {
        registry.withLock { budgets in
            let name = "\(key.secret.hashValue)/\(requestsPerMinute)"
            if let budget = budgets[name] { return budget }
            let budget = RequestBudget(requestsPerWindow: requestsPerMinute)
            budgets[name] = budget
            return budget
        }
    }

    private static let registry = Mutex<[String: RequestBudget]>([:])
}
