import Segmind
import Testing

/// The learned rate, step by step, with the clock in the test's hands.
@Suite struct RateLedgerTests {
    /// Sends `count` requests at `now` as far as the ledger lets them, answering each at once.
    /// Returns how many went and the changes heard.
    @discardableResult
    static func send(_ count: Int, at now: Double, into ledger: inout RateLedger, owner: String = "a",
                     ticket: inout Int) -> (sent: Int, changes: [RateLedger.Change]) {
        var sent = 0
        var changes: [RateLedger.Change] = []
        for _ in 0..<count {
            ticket += 1
            guard ledger.take(owner: owner, ticket: ticket, now: now) == .granted else { continue }
            ledger.finished(owner: owner, ticket: ticket, now: now)
            if let change = ledger.succeeded(now: now) { changes.append(change) }
            sent += 1
        }
        return (sent, changes)
    }

    /// One more request at `now`, refused with a 429 if the budget let it go: whether it went, and
    /// the change the 429 made.
    static func refuse(at now: Double, resetAt: Double?, into ledger: inout RateLedger,
                       ticket: inout Int) -> (sent: Bool, change: RateLedger.Change?) {
        ticket += 1
        guard ledger.take(owner: "a", ticket: ticket, now: now) == .granted else { return (false, nil) }
        ledger.finished(owner: "a", ticket: ticket, now: now)
        return (true, ledger.throttled(owner: "a", ticket: ticket, resetAt: resetAt, now: now))
    }

    @Test func theRateGrowsByHalfEachWindowUsedWholeWithoutA429() {
        var ledger = RateLedger(configured: 4, window: 60, now: 0)
        var ticket = 0
        // More demand than budget, minute after minute: 4, 6, 9, 13 a minute.
        var limits: [Int] = []
        for minute in 0..<4 {
            let went = Self.send(20, at: Double(minute) * 61, into: &ledger, ticket: &ticket)
            limits.append(went.sent)
        }
        #expect(limits == [4, 6, 9, 13], "\(limits)")
        #expect(ledger.limit == 13)
    }

    @Test func aBudgetNeverFilledDoesNotGrow() {
        var ledger = RateLedger(configured: 4, window: 60, now: 0)
        var ticket = 0
        for minute in 0..<5 {
            // Three a minute, under the budget: success, but no sign that more would be welcome.
            Self.send(3, at: Double(minute) * 61, into: &ledger, ticket: &ticket)
        }
        #expect(ledger.limit == 4)
    }

    @Test func a429CutsTheRateToWhatTheServerLetThroughInItsWindow() {
        var ledger = RateLedger(configured: 10, window: 60, now: 0)
        var ticket = 0
        // Six pass in the server's window (from 0 to its reset at 60); the seventh is refused.
        Self.send(6, at: 1, into: &ledger, ticket: &ticket)
        let refusal = Self.refuse(at: 2, resetAt: 60, into: &ledger, ticket: &ticket)
        #expect(refusal.sent)
        #expect(refusal.change == RateLedger.Change(from: 10, to: 6, reason: .throttled))
        // Everyone waits for the reset.
        #expect(ledger.take(owner: "b", ticket: 1, now: 3) == .wait(until: 60, reset: true))
        // The other requests in flight when the first 429 came are no news: no further cut.
        #expect(ledger.take(owner: "a", ticket: 99, now: 61) == .granted)
        ledger.finished(owner: "a", ticket: 99, now: 61)
        #expect(ledger.limit == 6)
    }

    /// A server whose window starts when a request arrives: that request was sent before the
    /// window began, and it counts among those the window let through.
    @Test func theRequestThatOpenedTheServersWindowCountsAmongThoseLetThrough() {
        var ledger = RateLedger(configured: 10, window: 60, now: 0)
        // Sent at 0.9, arrived at 1.0 (the server's window: 1.0 to its reset at 61), answered at 1.1.
        #expect(ledger.take(owner: "a", ticket: 1, now: 0.9) == .granted)
        ledger.finished(owner: "a", ticket: 1, now: 1.1)
        var ticket = 1
        Self.send(5, at: 2, into: &ledger, ticket: &ticket)
        let refusal = Self.refuse(at: 3, resetAt: 61, into: &ledger, ticket: &ticket)
        #expect(refusal.change == RateLedger.Change(from: 10, to: 6, reason: .throttled), "\(String(describing: refusal.change))")
    }

    @Test func oneCutIsNeverMoreThanHalfAndRepeated429sFindThePlan() {
        var ledger = RateLedger(configured: 40, window: 60, now: 0)
        var ticket = 0
        var now = 1.0
        var limits: [Int] = []
        // A server allowing 4 a minute: each minute, four pass and the fifth is refused.
        for _ in 0..<5 {
            Self.send(4, at: now, into: &ledger, ticket: &ticket)
            // A fifth, if the budget lets it go, is refused.
            _ = Self.refuse(at: now + 1, resetAt: now + 59, into: &ledger, ticket: &ticket)
            limits.append(ledger.limit)
            now += 61
        }
        #expect(limits == [20, 10, 5, 4, 4], "\(limits)")
    }

    /// Several refused in one window (all in flight when the limit was reached): the cut is to
    /// those let through, not to everything sent.
    @Test func requestsRefusedTogetherAreNotCountedAsLetThrough() {
        var ledger = RateLedger(configured: 10, window: 60, now: 0)
        var ticket = 0
        Self.send(6, at: 1, into: &ledger, ticket: &ticket)
        for refused in 1...4 {
            #expect(ledger.take(owner: "b", ticket: refused, now: 2) == .granted)
        }
        for refused in 1...4 {
            ledger.finished(owner: "b", ticket: refused, now: 3)
            _ = ledger.throttled(owner: "b", ticket: refused, resetAt: 60, now: 3)
        }
        #expect(ledger.limit == 6)
    }

    @Test func a429WithoutAResetCutsByAThird() {
        var ledger = RateLedger(configured: 10, window: 60, now: 0)
        var ticket = 0
        Self.send(1, at: 1, into: &ledger, ticket: &ticket)
        let change = ledger.throttled(owner: "a", ticket: ticket, resetAt: nil, now: 1)
        #expect(change?.to == 7)
    }

    @Test func aRequestSentBeforeTheCutCutsNoFurther() {
        var ledger = RateLedger(configured: 10, window: 60, now: 0)
        // Two in flight together, both refused: one cut, not two.
        #expect(ledger.take(owner: "a", ticket: 1, now: 1) == .granted)
        #expect(ledger.take(owner: "a", ticket: 2, now: 1) == .granted)
        ledger.finished(owner: "a", ticket: 1, now: 2)
        #expect(ledger.throttled(owner: "a", ticket: 1, resetAt: nil, now: 2)?.to == 7)
        ledger.finished(owner: "a", ticket: 2, now: 2)
        #expect(ledger.throttled(owner: "a", ticket: 2, resetAt: nil, now: 2) == nil)
        #expect(ledger.limit == 7)
    }

    @Test func afterACutTheRateStaysAtTheCeilingUntilItHasHeldLongWithoutA429() {
        var ledger = RateLedger(configured: 10, window: 60, now: 0)
        var ticket = 0
        Self.send(9, at: 1, into: &ledger, ticket: &ticket)
        // No reset said: 10 → 7, the ceiling.
        #expect(Self.refuse(at: 2, resetAt: nil, into: &ledger, ticket: &ticket).change?.to == 7)
        var minute = 1.0
        var limits: [Int] = []
        while minute < 30 {
            Self.send(40, at: minute * 61, into: &ledger, ticket: &ticket)
            limits.append(ledger.limit)
            minute += 1
        }
        // At the ceiling it stays, until `probeWindows` minutes without a 429 let it probe one
        // more a minute (the plan may have been upgraded); that held, so by half each minute again.
        #expect(limits.prefix(18).allSatisfy { $0 == 7 }, "\(limits)")
        #expect(Array(limits[19...22]) == [8, 12, 18, 27], "\(limits)")
    }

    /// A plan that did not grow: each probe costs one 429, and the next comes twice as late, up
    /// to `longestProbeWait` times the first wait.
    @Test func aProbeTheCeilingRefusesCostsOneRequestAndTheNextWaitsTwiceAsLong() {
        var ledger = RateLedger(configured: 10, window: 60, now: 0)
        var ticket = 0
        Self.send(7, at: 1, into: &ledger, ticket: &ticket)
        #expect(Self.refuse(at: 2, resetAt: 60, into: &ledger, ticket: &ticket).change?.to == 7)
        // A server allowing 7 a minute, for 700 minutes (a minute and two seconds apart, so that each
        // starts with the last one's out of the window): seven pass each minute, any more is refused.
        var refusedAt: [Int] = []
        var probes: [RateLedger.Change] = []
        for minute in 1..<700 {
            let now = Double(minute) * 62
            probes += Self.send(7, at: now, into: &ledger, ticket: &ticket).changes
            let refusal = Self.refuse(at: now + 1, resetAt: now + 59, into: &ledger, ticket: &ticket)
            if refusal.sent {
                refusedAt.append(minute)
                #expect(refusal.change?.to == 7 && ledger.limit == 7, "minute \(minute): \(String(describing: refusal.change))")
            }
        }
        // Probes 20 minutes after the cut, then 40, 80, 160 and 160 minutes after the last (to
        // within one of the test's minutes); a probe every 20 minutes would have met 33 429s.
        let gaps = zip(refusedAt.dropFirst(), refusedAt).map { Double($0 - $1) * 62 }
        #expect(refusedAt.first.map { (19...21).contains($0) } == true, "\(refusedAt)")
        #expect(gaps.count >= 4, "\(refusedAt)")
        for (gap, expected) in zip(gaps, [40.0, 80, 160, 160, 160]) {
            #expect(abs(gap - expected * 60) <= 62, "refused at minutes \(refusedAt)")
        }
        #expect(refusedAt.count <= 6, "\(refusedAt)")
        // Each probe is said as one (not as growth), one request above the ceiling.
        #expect(probes.count == refusedAt.count, "\(probes)")
        #expect(probes.allSatisfy { $0 == RateLedger.Change(from: 7, to: 8, reason: .probing) }, "\(probes)")
    }

    @Test func aStatedLimitIsTakenAndNotProbedPast() {
        var ledger = RateLedger(configured: 5, window: 60, now: 0)
        #expect(ledger.stated(limit: 50, now: 0) == RateLedger.Change(from: 5, to: 50, reason: .stated))
        #expect(ledger.stated(limit: 50, now: 1) == nil)
        var ticket = 0
        for minute in 1..<40 { Self.send(80, at: Double(minute) * 61, into: &ledger, ticket: &ticket) }
        #expect(ledger.limit == 50)
    }

    /// A header that speaks of another window (1,000 a day, read as 1,000 a minute) is believed
    /// until the first 429 says otherwise, and never again.
    @Test func aStatedLimitThatA429ContradictsIsNotBelievedAgain() {
        var ledger = RateLedger(configured: 5, window: 60, now: 0)
        _ = ledger.stated(limit: 1000, now: 0)
        var ticket = 0
        Self.send(30, at: 1, into: &ledger, ticket: &ticket)
        // Cut by half (not to the 30 the server let through: one 429 may be a busy server's).
        #expect(Self.refuse(at: 2, resetAt: 60, into: &ledger, ticket: &ticket).change?.to == 500)
        #expect(ledger.stated(limit: 1000, now: 61) == nil)
        #expect(ledger.limit == 500)
    }

    @Test func requestsOfAProcessThatWentAwayAreForgotten() {
        var ledger = RateLedger(configured: 1, window: 60, now: 0)
        #expect(ledger.take(owner: "gone", ticket: 1, now: 0) == .granted)
        // Never answered: it holds the window while it may still arrive...
        #expect(ledger.take(owner: "a", ticket: 1, now: 100) != .granted)
        // ...but not for ever.
        #expect(ledger.take(owner: "a", ticket: 1, now: 60 + RateLedger.lostAfter + 1) == .granted)
    }

    @Test func noWindowLongSpanEverHoldsMoreThanTheLimit() {
        var ledger = RateLedger(configured: 3, window: 10, now: 0)
        var ticket = 0
        var sentAt: [Double] = []
        var now = 0.0
        while now < 100 {
            ticket += 1
            if ledger.take(owner: "a", ticket: ticket, now: now) == .granted {
                ledger.finished(owner: "a", ticket: ticket, now: now + 0.5)
                sentAt.append(now)
            }
            now += 0.25
        }
        #expect(sentAt.count >= 27)
        for start in sentAt {
            #expect(sentAt.filter { $0 >= start && $0 < start + 10 }.count <= 3)
        }
    }
}
