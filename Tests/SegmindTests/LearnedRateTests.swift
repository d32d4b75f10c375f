import Foundation
import Segmind
import Simulator
import TestSupport
import Testing

/// The request budget learning the plan from a server that enforces one (the simulator's fixed
/// windows, as Segmind's), with windows of two seconds so that minutes of learning take seconds.
@Suite struct LearnedRateTests {
    /// Four tasks asking the job's status as fast as the budget lets them, for `seconds`.
    static func poll(_ client: SegmindClient, _ id: RequestID, for seconds: Double) async {
        let end = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while ContinuousClock.now < end {
                        _ = try? await client.status(of: id, deadline: end)
                    }
                }
            }
        }
    }

    /// The statuses of the polls the server answered, in order.
    static func answers(_ log: [[String: Any]]) -> [Int] {
        log.filter { ($0["path"] as? String ?? "").hasPrefix("/v2/requests/") }.compactMap { $0["status"] as? Int }
    }

    /// A simulator allowing `serverLimit` requests per 2 s, a client whose budget starts at
    /// `configured` (per 2 s) polling one job for `seconds`: what the client heard, its budget, the harness.
    static func pollAgainstPlan(configured: Int, serverLimit: Int, for seconds: Double,
                                _ check: ([ClientNotice], RequestBudget, SimulatorHarness) async throws -> Void) async throws {
        let budget = RequestBudget(requestsPerWindow: configured, window: .seconds(2))
        try await SimulatorHarness.with({ $0.requestsPerMinute = serverLimit; $0.rateWindowSeconds = 2 }, budget: budget) { harness in
            let heard = Collected<ClientNotice>()
            var client = harness.client
            client.notices = { heard.add($0) }
            let id = try await client.submit(SimulatorHarness.request).requestID
            // Timed: the budget grows with the requests made in whole windows (see `offThePool`).
            await offThePool { await poll(client, id, for: seconds) }
            try await check(heard.all, budget, harness)
        }
    }

    @Test func aClientConfiguredBelowThePlanLearnsToUseMore() async throws {
        try await Self.pollAgainstPlan(configured: 2, serverLimit: 12, for: 12) { heard, budget, _ in
            let grown = heard.compactMap { if case .budgetChanged(_, let to, .grew, _) = $0 { to } else { nil } }
            #expect(grown.count >= 2, "\(heard.filter { if case .waitingForBudget = $0 { false } else { true } })")
            #expect(await budget.requestsPerMinute > 2)
        }
    }

    @Test func aClientConfiguredAboveThePlanIsCutByThe429AndStaysUnderIt() async throws {
        try await Self.pollAgainstPlan(configured: 12, serverLimit: 3, for: 10) { heard, budget, harness in
            let cut = heard.compactMap { if case .budgetChanged(let from, let to, .throttled, _) = $0 { (from, to) } else { nil } }
            #expect(!cut.isEmpty)
            let learned = await budget.requestsPerMinute
            // Cut below the configured 12, toward the server's 3: how far depends on how many requests
            // a loaded machine got through in the 429's window (the matrix's roots saw 8).
            #expect(learned >= 1 && learned < 12, "learned \(learned) a window; the server allows 3")
            // Each cut takes a 429 episode (and the requests in flight with it); then they stop. A
            // client that kept to 12 would meet about nine 429s every 2 s here, some 45 in the 10 s.
            let statuses = Self.answers(try await harness.control.log())
            #expect(statuses.filter { $0 == 429 }.count <= 16, "\(statuses)")
            #expect(statuses.contains(200), "\(statuses)")
        }
    }

    /// Seven requests at once against a server allowing six a window, whose window starts when the
    /// first arrives: the 429 cuts the rate to the six let through, not under them (counting only
    /// requests sent after the window began left out all seven, each sent before the first arrived,
    /// and cut to 4). A window of 10 s, so that a loaded machine's seven all arrive in one.
    @Test func aCutComesBackToWhatTheServerLetThroughNotUnderIt() async throws {
        let budget = RequestBudget(requestsPerWindow: 7, window: .seconds(10))
        try await SimulatorHarness.with({ $0.requestsPerMinute = 6; $0.rateWindowSeconds = 10 }, budget: budget) { harness in
            let heard = Collected<ClientNotice>()
            var client = harness.client
            client.notices = { heard.add($0) }
            // A job the server does not know: each answer a 404 (or a 429), one request each.
            let id = try #require(RequestID(UUID().uuidString.lowercased()))
            let deadline = ContinuousClock.now.advanced(by: .seconds(8))
            let sender = client
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<7 { group.addTask { _ = try? await sender.status(of: id, deadline: deadline) } }
            }
            let statuses = Self.answers(try await harness.control.log())
            try #require(statuses.contains(429), "the server refused none of the seven: \(statuses)")
            let cuts = heard.all.compactMap { if case .budgetChanged(let from, let to, .throttled, _) = $0 { (from, to) } else { nil } }
            #expect(!cuts.isEmpty && cuts.allSatisfy { $0.1 >= 6 }, "cut \(cuts) a window; the server let 6 through: \(statuses)")
            #expect(await budget.requestsPerMinute == 6, "\(statuses)")
        }
    }

    @Test func aRateTheServerStatesIsTakenAtOnce() async throws {
        let budget = RequestBudget(requestsPerWindow: 2, window: .seconds(2))
        try await SimulatorHarness.with({ $0.requestsPerMinute = 9; $0.rateWindowSeconds = 2; $0.statesRateLimit = true },
                                        budget: budget) { harness in
            let id = try await harness.client.submit(SimulatorHarness.request).requestID
            _ = try await harness.client.status(of: id)
            #expect(await budget.requestsPerMinute == 9)
            #expect(await budget.ledger.ceilingStated)
        }
    }

    /// Two budgets on one file, as two processes have: together they keep to one limit.
    @Test func budgetsSharingAFileDrawOnOneWindow() async throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-budget-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = RequestBudget.path(in: folder.path, for: APIKey(SimulatorHarness.key))
        let first = RequestBudget(sharedAt: path, requestsPerWindow: 3, window: .seconds(60))
        let second = RequestBudget(sharedAt: path, requestsPerWindow: 3, window: .seconds(60))
        var answered: [ContinuousClock.Instant] = []
        for budget in [first, second, first] {
            let ticket = try await budget.acquire()
            answered.append(.now)
            await budget.answered(ticket, .accepted(statedLimit: nil))
        }
        let heard = Collected<(wait: RequestBudget.Wait, at: ContinuousClock.Instant)>()
        let fourth = Task { try await second.acquire { heard.add(($0, .now)) } }
        try await eventually("the second budget to wait for the first's requests") { !heard.all.isEmpty }
        fourth.cancel()
        guard let wait = heard.all.first, case .budget(let seconds, let rate) = wait.wait else { Issue.record("heard \(heard.all)"); return }
        // It waits for the first request's window (a minute from its answer) to pass, however
        // slowly a busy machine ran this test.
        let windowEnd = answered[0].duration(to: wait.at).inSeconds + seconds
        #expect(windowEnd >= 59 && windowEnd <= 66, "waits \(seconds) s, \(windowEnd) s after the first answer")
        #expect(rate == 3)
        // The file is private and names no key.
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int ?? 0) & 0o077 == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!path.contains(SimulatorHarness.key) && !text.contains(SimulatorHarness.key))
    }
}
