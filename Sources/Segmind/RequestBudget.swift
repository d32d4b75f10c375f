import Support
import Synchronization
import SystemPackage

/// The per-key request budget every request to Segmind draws on, so that many jobs polling at
/// once stay within the plan's requests per minute; with a file, shared by every kling-media
/// process using the key on this machine, and remembering the rate it learned (`RateLedger`).
///
/// A sliding-window log rather than a token bucket: a bucket that holds a minute's worth of
/// tokens can send twice the limit within one of the server's minute windows (a full burst at the
/// end of one, the refill at the start of the next). Here no window-long span ever holds more than
/// the limit. A 429 pauses everyone until the server's stated reset.
///
/// The server counts a request when it arrives, somewhere between our sending it and its answer
/// coming back. So each request is stamped again when its answer comes (`answered`): windows are
/// then counted from times no earlier than the server's, however late a request arrived.
public actor RequestBudget {
    private enum Store {
        case memory(RateLedger)
        /// The file every process shares, under its lock; `nil` ledger until first read.
        case file(String)
    }

    private var store: Store
    /// The file it is shared through, if any.
    public nonisolated let sharedPath: String?
    private let configured: Int
    public nonisolated let window: Double
    /// This budget's requests in a shared ledger.
    private let owner = "\(SystemCalls.processID)-\(UInt32.random(in: 0...UInt32.max))"
    private var nextTicket = 0
    /// This process's requests waiting for the budget, in the order they asked: only the one
    /// holding the line's slot takes from the window. Each waiter used to sleep until the window
    /// had room and take it on waking, and a request that asked just then took it first: in a busy
    /// batch one poll, for a job long done, lost that race four windows in a row while its place
    /// at Segmind sat idle. Every waiter yields alike, so the line is in order, and one cancelled
    /// in it leaves at once.
    private let line = WorkSlots(1)

    /// A budget of this process only (no file). Unless it `learns`, it keeps to `limit` (a 429
    /// still pauses it until the reset).
    public init(requestsPerWindow limit: Int, window: Duration = .seconds(60), learns: Bool = true) {
        configured = max(1, limit)
        self.window = window.inSeconds
        store = .memory(RateLedger(configured: limit, window: window.inSeconds, now: Self.now, learns: learns))
        sharedPath = nil
    }

    /// A budget shared through the file at `path` (made private if missing): every process using
    /// it draws on one window, and the rate learned there is where the next run starts. Should the
    /// file not be usable, the budget is this process's only (and says nothing: it still works).
    public init(sharedAt path: String, requestsPerWindow limit: Int, window: Duration = .seconds(60)) {
        configured = max(1, limit)
        self.window = window.inSeconds
        store = .file(path)
        sharedPath = path
    }

    /// Why `acquire` is about to wait, and for about how long.
    public enum Wait: Sendable, Equatable {
        /// The window holds the limit's worth of requests already; the rate it keeps to, a minute.
        case budget(seconds: Double, requestsPerMinute: Int)
        /// A 429 paused everyone until the server's reset.
        case serverReset(seconds: Double)
    }

    /// A 429's reset (perhaps another process's) is further off than the caller waits.
    public struct PausedTooLong: Error, Equatable {
        public var until: Date
    }

    /// Waits until a request may be sent without exceeding the budget, and counts it. Hand the
    /// ticket back to `answered` or `neverSent`. `onWait` hears each wait of half a second or more
    /// before it begins (once per kind). A pause for a 429's reset longer than `longestPause`
    /// seconds throws `PausedTooLong` instead of sleeping through it.
    public func acquire(longestPause: Double = .infinity, onWait: @Sendable (Wait) -> Void = { _ in }) async throws -> Int {
        var announced: Set<Bool> = []
        nextTicket += 1
        let ticket = nextTicket
        guard await line.acquireYielding(1) else { throw CancellationError() }
        defer { line.release() }
        while true {
            let now = Self.now
            let (decision, perMinute) = update { ledger in (ledger.take(owner: owner, ticket: ticket, now: now), ledger.limit) }
            guard case .wait(let until, let reset) = decision else { return ticket }
            let seconds = until - now
            if reset, seconds > longestPause { throw PausedTooLong(until: Date(timeIntervalSince1970: until)) }
            if seconds >= 0.5, !announced.contains(reset) {
                announced.insert(reset)
                onWait(reset ? .serverReset(seconds: seconds) : .budget(seconds: seconds, requestsPerMinute: perMinute))
            }
            try await Task.sleep(for: .milliseconds(Int((max(0, seconds) * 1000).rounded(.up))))
        }
    }

    /// What answered a request, as far as the budget is concerned.
    public enum Answer: Sendable, Equatable {
        /// Any answer but a 429; `statedLimit` when its headers said the limit.
        case accepted(statedLimit: Int?)
        /// A 429; `resetAt` when it said when its window resets.
        case throttled(resetAt: Date?)
        /// No answer (the connection broke after sending): counted, but no evidence either way.
        case unanswered
    }

    /// The request's answer came: its window counts from now, and the rate learns from it. A
    /// change of rate is returned (to be said).
    @discardableResult
    public func answered(_ ticket: Int, _ answer: Answer) -> RateLedger.Change? {
        let now = Self.now
        return update { ledger -> RateLedger.Change? in
            ledger.finished(owner: owner, ticket: ticket, now: now)
            var change: RateLedger.Change?
            switch answer {
            case .accepted(let stated):
                if let stated { change = ledger.stated(limit: stated, now: now) }
                change = ledger.succeeded(now: now) ?? change
            case .throttled(let resetAt):
                change = ledger.throttled(owner: owner, ticket: ticket, resetAt: resetAt?.timeIntervalSince1970, now: now)
            case .unanswered:
                break
            }
            return change
        }
    }

    /// The request never reached the server (no connection, no name, TLS refused): it spends
    /// nothing of the window, so a run of refused connections does not pause the requests after it.
    public func neverSent(_ ticket: Int) {
        update { $0.neverSent(owner: owner, ticket: ticket) }
    }

    /// The rate this budget keeps to now, a minute.
    public var requestsPerMinute: Int {
        update { $0.limit }
    }

    /// The ledger as it stands (what `status` and tests read).
    public var ledger: RateLedger {
        update { $0 }
    }

    // MARK: The ledger, in memory or in the shared file

    private static var now: Double { Date().timeIntervalSince1970 }

    private func update<T>(_ body: (inout RateLedger) -> T) -> T {
        switch store {
        case .memory(var ledger):
            let value = body(&ledger)
            store = .memory(ledger)
            return value
        case .file(let path):
            if let value = SharedLedgerFile.update(path, fresh: fresh, body) { return value }
            // Unusable: this process's own from now on (a budget still, only not shared).
            var ledger = fresh()
            let value = body(&ledger)
            store = .memory(ledger)
            return value
        }
    }

    /// The ledger a new learning starts with; one learned under another configured rate or window
    /// starts afresh, since the user changed what it grew from.
    private func fresh() -> RateLedger {
        RateLedger(configured: configured, window: window, now: Self.now)
    }

    // MARK: One per key

    /// One budget per key, rate and window in this process (so separate clients share it); with
    /// `sharedAt`, the file that shares it with other processes too.
    public static func shared(for configuration: SegmindConfiguration, sharedAt path: String? = nil) -> RequestBudget {
        let limit = configuration.requestsPerMinute
        return registry.withLock { budgets in
            let name = "\(configuration.apiKey.secret.hashValue)/\(configuration.requestsPerMinute)/\(configuration.rateWindowSeconds)/\(path ?? "")"
            if let budget = budgets[name] { return budget }
            let window = Duration.milliseconds(Int(configuration.rateWindowSeconds * 1000))
            let budget = path.map { RequestBudget(sharedAt: $0, requestsPerWindow: max(1, limit), window: window) }
                ?? RequestBudget(requestsPerWindow: max(1, limit), window: window)
            budgets[name] = budget
            return budget
        }
    }

    private static let registry = Mutex<[String: RequestBudget]>([:])

    /// Where a key's shared budget is kept in `folder`: named by a hash of the key, never the key.
    public static func path(in folder: String, for key: APIKey) -> String {
        folder + "/" + String(ContentHash.sha256(of: Array(key.secret.utf8)).prefix(16)) + ".json"
    }
}

/// The shared ledger's file (`SharedJSONFile`): losing it to a crash only means learning the rate
/// again. A ledger made for another plan or window is started afresh.
enum SharedLedgerFile {
    /// Nil when the file cannot be used.
    static func update<T>(_ path: String, fresh: () -> RateLedger, _ body: (inout RateLedger) -> T) -> T? {
        SharedJSONFile.update(path, as: RateLedger.self) { stored in
            let freshLedger = fresh()
            var ledger = freshLedger
            if let kept = stored, kept.configured == freshLedger.configured, kept.window == freshLedger.window { ledger = kept }
            let value = body(&ledger)
            stored = ledger
            return value
        }
    }
}
