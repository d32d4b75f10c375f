/// One key's request budget as every kling-media process using the key on this machine shares it
/// (kept in a file by `RequestBudget`): the requests sent in the last window, a pause a 429 asked
/// for, and the rate learned so far. A value with pure steps, so the learning is tested without a
/// clock or a server.
///
/// The rate is learned as AWS's SDKs do in their adaptive retry mode, and as TCP does: it starts
/// at the configured value, grows by half each window used whole without a 429 (up to the ceiling
/// a 429 showed, if any), and is cut on a 429 to what the server let through in the window that
/// 429's reset closes (or by 30 % when no reset is named), but never by more than half at once.
/// A limit the server states is kept.
///
/// A ceiling held for `probeWindows` windows without a 429 is probed, so that a plan that grew is
/// found: one request a window more; if that holds for a window, growth goes on by half as before.
/// Each probe that the same ceiling refuses costs a 429 and confirms the plan, so the next probe
/// waits twice as long (at most `longestProbeWait` times): a batch hours long at its plan's rate
/// meets a handful of 429s, not one every twenty minutes.
///
/// Times are wall-clock seconds (shared between processes); an entry in the future (the clock
/// stepped back) is dropped rather than waited for.
public struct RateLedger: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// The process (and its budget) that sent it.
        public var owner: String
        public var ticket: Int
        /// When it was sent.
        public var sentAt: Double
        /// When it was sent, or when its answer came once it did: the server counts a request when it
        /// arrives, somewhere between the two, so windows are counted from the later.
        public var at: Double
        public var answered: Bool
        /// Answered 429: not let through.
        public var refused: Bool? = nil
    }

    /// The configured rate (requests a window) this learning started from.
    public var configured: Int
    /// The window's length in seconds: a minute at Segmind (shorter for a simulator run at a time scale).
    public var window: Double
    /// Requests a window allowed now.
    public var rate: Double
    /// Whether the rate is learned at all: a budget that keeps to the configured rate does not.
    public var learns = true
    /// The rate a 429 or the server's headers showed: growth above it is slow (or none, when stated).
    public var ceiling: Double?
    /// Whether the server stated the ceiling (rate-limit headers): nothing to probe above it.
    public var ceilingStated = false
    /// Whether a 429 came while keeping to a stated limit: the headers speak of another window (an
    /// hour's, a day's) or another limit, and are not believed again.
    public var statementsDisbelieved = false
    public var sent: [Entry] = []
    /// A 429's reset: nobody sends before it.
    public var pausedUntil: Double?
    /// When the rate last changed (or the learning started).
    public var changedAt: Double
    /// Requests answered without a 429 since then.
    public var successes = 0
    /// Whether a request had to wait for the budget since then: growth needs demand, not only success.
    public var budgetWasFull = false
    /// The ceiling being probed, while the rate is one above it (optional: ledgers written before
    /// probes were gentle have none).
    public var probing: Double? = nil
    /// Probes the ceiling refused in a row: each doubles the wait before the next.
    public var probesRefused: Int? = nil
    /// The last cut's window (its reset) and the lowest its later 429s may take the rate.
    public var lastCut: LastCut? = nil

    public struct LastCut: Codable, Sendable, Equatable {
        public var resetAt: Double
        public var floor: Double
    }

    /// A ceiling a 429 showed is probed after this many windows without a 429 (20 minutes at
    /// Segmind), doubled for each probe it refused, up to `longestProbeWait` times.
    public static let probeWindows = 20.0
    public static let longestProbeWait = 8.0

    /// Windows at the ceiling before it is probed now.
    public var windowsBeforeProbe: Double {
        Self.probeWindows * min(Self.longestProbeWait, pow(2, Double(probesRefused ?? 0)))
    }
    /// An in-flight request whose process went away is forgotten after its window and this many seconds.
    public static let lostAfter = 180.0

    public init(configured: Int, window: Double, now: Double, learns: Bool = true) {
        self.learns = learns
        self.configured = max(1, configured)
        self.window = window
        rate = Double(self.configured)
        changedAt = now
    }

    /// Requests a window allowed now.
    public var limit: Int { max(1, Int(rate.rounded(.down))) }

    /// A learned rate changed.
    public struct Change: Sendable, Equatable {
        public enum Reason: Sendable, Equatable {
            /// Whole windows used without a 429.
            case grew
            /// Long at a ceiling a 429 showed without another: one request a window more is tried,
            /// in case the plan grew.
            case probing
            /// A 429.
            case throttled
            /// The server's rate-limit headers.
            case stated
        }
        /// Requests a window before and after.
        public var from: Int
        public var to: Int
        public var reason: Reason

        public init(from: Int, to: Int, reason: Reason) {
            self.from = from
            self.to = to
            self.reason = reason
        }
    }

    public enum Decision: Sendable, Equatable {
        case granted
        /// Not before `until`: a 429's reset (`reset`), or the window's oldest request leaving it.
        case wait(until: Double, reset: Bool)
    }

    /// 2 % of the window, at least 100 ms: for clocks and scheduling.
    private var margin: Double { max(0.1, window / 50) }

    /// Counts a request about to be sent, or says how long to wait before trying again.
    public mutating func take(owner: String, ticket: Int, now: Double) -> Decision {
        if let pausedUntil {
            if now < pausedUntil, pausedUntil - now <= 3600 { return .wait(until: pausedUntil, reset: true) }
            self.pausedUntil = nil
        }
        prune(now: now)
        if sent.count < limit {
            sent.append(Entry(owner: owner, ticket: ticket, sentAt: now, at: now, answered: false))
            return .granted
        }
        budgetWasFull = true
        // Past the oldest answered one's expiry; while all are in flight, look again shortly.
        let wake = sent.filter(\.answered).map { $0.at + window + margin }.min() ?? now + 0.05
        return .wait(until: wake, reset: false)
    }

    /// The request's answer came: its window counts from now.
    public mutating func finished(owner: String, ticket: Int, now: Double) {
        if let index = sent.firstIndex(where: { $0.owner == owner && $0.ticket == ticket }) {
            sent[index].at = now
            sent[index].answered = true
        }
    }

    /// The request never reached the server: it spends nothing.
    public mutating func neverSent(owner: String, ticket: Int) {
        sent.removeAll { $0.owner == owner && $0.ticket == ticket }
    }

    /// A request was answered without a 429: the rate grows once whole windows were used so.
    public mutating func succeeded(now: Double) -> Change? {
        successes += 1
        guard learns, budgetWasFull, successes >= limit, now - changedAt >= window else { return nil }
        let before = limit
        if let ceiling, rate >= ceiling {
            // Long enough at the ceiling without a 429: the plan may have grown (an upgrade), so
            // one more request a window is tried; a 429 for it costs one request, not a burst.
            guard !ceilingStated, now - changedAt >= window * windowsBeforeProbe else { return nil }
            self.ceiling = nil
            probing = ceiling
            rate = ceiling + 1
            return changed(from: before, .probing, now: now)
        }
        if probing != nil {
            // The probe held a whole window: the plan grew, and so does the rate, by half again.
            probing = nil
            probesRefused = nil
        }
        let grown = max(rate + 1, (rate * 1.5).rounded(.down))
        rate = ceiling.map { min($0, grown) } ?? grown
        return changed(from: before, .grew, now: now)
    }

    /// A 429 for the request `ticket`: everyone pauses until `resetAt`, and the rate is cut to what
    /// the server let through in the window that ends then. A 429 for a request sent before the
    /// last cut is no news about the rate, except that it was not let through: when it belongs to
    /// the window that cut was for, the count of those let through is taken again, and the rate
    /// lowered to it if that is less (never under the first cut's half).
    public mutating func throttled(owner: String, ticket: Int, resetAt: Double?, now: Double) -> Change? {
        if let resetAt, resetAt > now, resetAt - now <= 3600 {
            pausedUntil = max(pausedUntil ?? 0, resetAt)
        }
        let index = sent.firstIndex { $0.owner == owner && $0.ticket == ticket }
        if let index { sent[index].refused = true }
        let sentAt = index.map { sent[$0].sentAt } ?? now
        guard learns else { return nil }
        let before = limit
        guard sentAt >= changedAt else {
            guard let resetAt, let last = lastCut, abs(last.resetAt - resetAt) <= margin,
                  let passed = letThrough(windowEndingAt: resetAt, now: now), Double(passed) < rate else { return nil }
            rate = max(last.floor, Double(passed))
            ceiling = rate
            return changed(from: before, .throttled, now: now)
        }
        var cut = (rate * 0.7).rounded(.down)
        if let resetAt, let passed = letThrough(windowEndingAt: resetAt, now: now) { cut = Double(passed) }
        // Never by more than half at once: a 429 may also come from a server busy for everyone,
        // after a handful of requests, and one such must not bring a batch down to a crawl.
        // Repeated 429s still get it down to the plan quickly.
        let floor = max(1, (rate / 2).rounded(.down))
        rate = max(1, min(rate - 1, max(cut, floor)))
        lastCut = resetAt.map { LastCut(resetAt: $0, floor: floor) }
        // A probe refused at the ceiling it probed: the plan is as learned, so probe it less often.
        // (Other 429s say nothing about an upgrade; only a probe that held forgets the count.)
        if let probed = probing, rate <= probed { probesRefused = (probesRefused ?? 0) + 1 }
        probing = nil
        ceiling = rate
        if ceilingStated { statementsDisbelieved = true }
        ceilingStated = false
        return changed(from: before, .throttled, now: now)
    }

    /// How many requests the server let through in its window ending at `resetAt`, as far as is
    /// known now; nil if none. A request arrives between its sending and its answer, so one
    /// answered after the window began may have arrived in it, and one still in flight may yet be
    /// let through. Counting only those sent after the window began, and answered, left out the
    /// burst that opened the window (a server whose windows start at a request's arrival: it was
    /// always sent just before) and the requests whose answers came after the 429's, so the cut,
    /// low by one to three, kept a batch under its plan until the next probe, twenty windows
    /// later. Counting too many is mended by the 429s still to come for the window.
    private func letThrough(windowEndingAt resetAt: Double, now: Double) -> Int? {
        let windowBegan = resetAt - window
        let passed = sent.filter { entry in
            entry.refused != true && entry.sentAt <= now && (!entry.answered || entry.at >= windowBegan)
        }.count
        return passed >= 1 ? passed : nil
    }

    /// The server said its limit (a rate-limit header): that is the rate.
    public mutating func stated(limit stated: Int, now: Double) -> Change? {
        guard learns, stated > 0, !statementsDisbelieved, !(ceilingStated && ceiling == Double(stated)) else { return nil }
        let before = limit
        rate = Double(stated)
        ceiling = rate
        ceilingStated = true
        probing = nil
        return changed(from: before, .stated, now: now)
    }

    private mutating func changed(from before: Int, _ reason: Change.Reason, now: Double) -> Change? {
        changedAt = now
        successes = 0
        budgetWasFull = false
        return limit == before ? nil : Change(from: before, to: limit, reason: reason)
    }

    /// Forgets requests out of the window, in-flight ones whose process went away, and any the
    /// clock put in the future.
    private mutating func prune(now: Double) {
        sent.removeAll { entry in
            (entry.answered && entry.at + window <= now)
                || (!entry.answered && entry.sentAt + window + Self.lostAfter <= now)
                || entry.sentAt > now + 5
        }
    }
}
