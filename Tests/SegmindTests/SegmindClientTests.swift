import Foundation
import HTTP
import HTTPTypes
import Segmind
import TestSupport
import Testing

/// The Segmind client against the simulator over real HTTP: the happy path, and every failure
/// it must survive or report without losing (or paying twice for) a job.
@Suite struct SegmindClientTests {
    @Test func submitWaitAndDownloadGiveTheRequestedClip() async throws {
        try await SimulatorHarness.with { harness in
            var request = SimulatorHarness.request
            request.aspectRatio = .portrait
            let submission = try await harness.client.submit(request)
            #expect(submission.status == .queued)
            let result = try await harness.client.waitForResult(of: submission.requestID)
            #expect(result.outputURL == "http://localhost:\(harness.simulator.port)/outputs/\(submission.requestID).mp4")
            let target = harness.outputDirectory.appendingPathComponent("next.mp4").path
            try await Downloader().download(result.outputURL, to: target)
            let oracle = try await FFprobeReport(path: target)
            #expect(FFprobeReport.number(oracle.format["duration"]) == 5.0)
            #expect(oracle.streams.count == 1)
            #expect(oracle.streams[0]["width"] as? Int == 720 && oracle.streams[0]["height"] as? Int == 1280)
            #expect(oracle.streams[0]["r_frame_rate"] as? String == "24/1")
        }
    }

    @Test func keepAudioGivesAnOutputWithSound() async throws {
        try await SimulatorHarness.with { harness in
            var request = SimulatorHarness.request
            request.keepAudio = true
            let submission = try await harness.client.submit(request)
            let result = try await harness.client.waitForResult(of: submission.requestID)
            let target = harness.outputDirectory.appendingPathComponent("with-sound.mp4").path
            try await Downloader().download(result.outputURL, to: target)
            let oracle = try await FFprobeReport(path: target)
            #expect(oracle.streams.map { $0["codec_type"] as? String } == ["video", "audio"])
        }
    }

    @Test func submissionRefusedWith429IsRetriedAndMakesOneJob() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.fail(2, with: 429, path: "/v2/kling")
            let submission = try await harness.client.submit(SimulatorHarness.request)
            #expect(!submission.requestID.rawValue.isEmpty)
            #expect(try await harness.control.count("POST", "/v2/kling") == 3)
        }
    }

    @Test func submissionMetByGateway502sIsRetried() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.fail(2, with: 502, path: "/v2/kling")
            _ = try await harness.client.submit(SimulatorHarness.request)
            #expect(try await harness.control.count("POST", "/v2/kling") == 3)
        }
    }

    @Test func submissionMetBy500IsNotRetriedSinceItMayHaveBeenTaken() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.fail(1, with: 500, path: "/v2/kling")
            let error = await #expect(throws: APIError.self) { try await harness.client.submit(SimulatorHarness.request) }
            guard case .submissionOutcomeUnknown = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(try await harness.control.count("POST", "/v2/kling") == 1)
        }
    }

    @Test func submissionWhoseAnswerBreaksOffIsNotRetried() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.drop(1, path: "/v2/kling")
            let error = await #expect(throws: APIError.self) { try await harness.client.submit(SimulatorHarness.request) }
            guard case .submissionOutcomeUnknown = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(try await harness.control.count("POST", "/v2/kling") == 1)
        }
    }

    @Test func pollsSurvive502sDroppedConnectionsAnd429s() async throws {
        try await SimulatorHarness.with { harness in
            let submission = try await harness.client.submit(SimulatorHarness.request)
            try await harness.control.fail(2, with: 502, path: "/v2/requests/")
            try await harness.control.drop(1, path: "/v2/requests/")
            try await harness.control.fail(1, with: 429, path: "/v2/requests/")
            try await harness.control.fail(1, with: 504, path: "/v2/requests/")
            let result = try await harness.client.waitForResult(of: submission.requestID)
            #expect(result.requestID == submission.requestID)
        }
    }

    @Test func rateLimitWaitsForTheStatedResetAndThenSucceeds() async throws {
        try await SimulatorHarness.with { harness in
            let submission = try await harness.client.submit(SimulatorHarness.request)
            try await harness.control.rateLimit(1, resettingAfter: 1.5, path: "/v2/requests/")
            let started = ContinuousClock.now
            _ = try await harness.client.status(of: submission.requestID)
            // Refused once, then asked again only after the stated reset (not after a short backoff).
            #expect(started.duration(to: .now) >= .milliseconds(1400))
            #expect(try await harness.control.count("GET", "/v2/requests/\(submission.requestID)/status") == 2)
        }
    }

    @Test func simulatorRefusesPastItsLimitAndSaysWhenItResets() async throws {
        try await SimulatorHarness.with({ $0.requestsPerMinute = 1 }) { harness in
            let url = harness.simulator.baseURL + "/v2/requests/x/status"
            let headers: HTTPFields = [.apiKey: SimulatorHarness.key]
            let windowOpened = ContinuousClock.now
            #expect(try await HTTPClient().send(HTTPExchange(url: url, headers: headers)).status == 404)
            let refused = try await HTTPClient().send(HTTPExchange(url: url, headers: headers))
            #expect(refused.status == 429)
            // The window opened with the first request and lasts a minute: it resets a minute after
            // that, less the time since (however busy the machine running the test is).
            let elapsed = Double(windowOpened.duration(to: .now).components.seconds) + 1
            let wait = try #require(RetryAfter.seconds(from: refused))
            #expect(wait > 60 - elapsed - 1 && wait <= 60, "reset in \(wait) s, \(elapsed) s after the window opened")
        }
    }

    @Test func sharedBudgetKeepsManyJobsUnderTheLimit() async throws {
        // The server allows 12 requests per 1.5 s, and so does the client's budget. Twenty
        // submissions at once would otherwise meet eight 429s.
        let budget = RequestBudget(requestsPerWindow: 12, window: .milliseconds(1500), learns: false)
        try await SimulatorHarness.with({ $0.requestsPerMinute = 12; $0.rateWindowSeconds = 1.5; $0.latency = 0.3 },
                                        budget: budget) { harness in
            let ids = try await withThrowingTaskGroup(of: RequestID.self) { group in
                for _ in 0..<20 { group.addTask { try await harness.client.submit(SimulatorHarness.request).requestID } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(ids).count == 20)
            // Twenty submissions, no retries: not one was refused with 429.
            let posts = try await harness.control.log().count { $0["path"] as? String == "/v2/kling-o1-video-to-video-reference" }
            #expect(posts == 20)
        }
    }

    @Test func fiftyJobsPolledAtOnceAllFinish() async throws {
        try await SimulatorHarness.with({ $0.latency = 0.5; $0.queueSeconds = 0.1 }) { harness in
            let results = try await withThrowingTaskGroup(of: JobResult.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let submission = try await harness.client.submit(SimulatorHarness.request)
                        return try await harness.client.waitForResult(of: submission.requestID)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 50)
            #expect(Set(results.map(\.requestID)).count == 50)
        }
    }

    @Test func contentBlockedJobFailsWithItsDetail() async throws {
        try await SimulatorHarness.with { harness in
            var request = SimulatorHarness.request
            request.prompt += " [blocked]"
            let submission = try await harness.client.submit(request)
            let error = await #expect(throws: APIError.self) { try await harness.client.waitForResult(of: submission.requestID) }
            #expect(error == .jobFailed(requestID: submission.requestID,
                                        detail: "Content blocked: the prompt or an input was flagged by the safety system (RAI)"))
            let report = try await harness.client.status(of: submission.requestID)
            #expect(report.status == .failed)
        }
    }

    @Test func expiredRecordIsNotFound() async throws {
        try await SimulatorHarness.with({ $0.recordLifetime = 0.3 }) { harness in
            let submission = try await harness.client.submit(SimulatorHarness.request)
            try await Task.sleep(for: .milliseconds(500))
            let error = await #expect(throws: APIError.self) { try await harness.client.status(of: submission.requestID) }
            #expect(error == .notFound(requestID: submission.requestID, detail: "Request \(submission.requestID) not found"))
        }
    }

    @Test func finalRefusalsCarryTheServersDetail() async throws {
        try await SimulatorHarness.with({ $0.creditSeconds = 5 }) { harness in
            _ = try await harness.client.submit(SimulatorHarness.request)
            await #expect(throws: APIError.insufficientCredits(detail: "Insufficient credits")) {
                try await harness.client.submit(SimulatorHarness.request)
            }
            var bad = SimulatorHarness.request
            bad.prompt = "Based on @Video1 and @Image2"
            await #expect(throws: APIError.badRequest(detail: "prompt: the prompt mentions @Image2 but no reference images are given")) {
                try await harness.client.submit(bad)
            }
            let stranger = SegmindClient(configuration: SegmindConfiguration(apiKey: APIKey("SG_ffff0000ffff0000"),
                                                                              apiBase: harness.simulator.baseURL))
            await #expect(throws: APIError.unauthorized(detail: "Invalid API key")) {
                try await stranger.submit(SimulatorHarness.request)
            }
        }
    }

    @Test func theKeyGoesOnlyToTheAPIHost() async throws {
        try await SimulatorHarness.with { harness in
            let submission = try await harness.client.submit(SimulatorHarness.request)
            let result = try await harness.client.waitForResult(of: submission.requestID)
            try await Downloader().download(result.outputURL, to: harness.outputDirectory.appendingPathComponent("o.mp4").path)
            let log = try await harness.control.log()
            let api = log.filter { ($0["path"] as? String ?? "").hasPrefix("/v2/") }
            let outputs = log.filter { ($0["path"] as? String ?? "").hasPrefix("/outputs/") }
            #expect(!api.isEmpty && api.allSatisfy { $0["sent_api_key"] as? Bool == true })
            #expect(outputs.count == 1)
            #expect(outputs.allSatisfy { $0["sent_api_key"] as? Bool == false })
            #expect(outputs.allSatisfy { ($0["host"] as? String ?? "").hasPrefix("localhost") })
        }
    }

    @Test func downloadResumesAfterTheConnectionDrops() async throws {
        try await SimulatorHarness.with { harness in
            let submission = try await harness.client.submit(SimulatorHarness.request)
            let result = try await harness.client.waitForResult(of: submission.requestID)
            try await harness.control.drop(2, path: "/outputs/")
            let target = harness.outputDirectory.appendingPathComponent("resumed.mp4").path
            let bytes = try await Downloader().download(result.outputURL, to: target).bytes
            let original = try Data(contentsOf: harness.outputDirectory.appendingPathComponent("\(submission.requestID).mp4"))
            #expect(bytes == Int64(original.count))
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == original)
            #expect(try await harness.control.count("GET", "/outputs/") == 3)
        }
    }

    @Test func aRateLimitResettingLaterThanTheCallerWaitsStopsAtOnceNamingTheReset() async throws {
        try await SimulatorHarness.with { harness in
            let submission = try await harness.client.submit(SimulatorHarness.request)
            try await harness.control.rateLimit(1, resettingAfter: 3600, path: "/v2/requests/")
            var client = harness.client
            client.longestRateLimitWait = 5
            let started = ContinuousClock.now
            let error = await #expect(throws: APIError.self) { try await client.status(of: submission.requestID) }
            guard case .rateLimitedUntil(let reset, _)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(abs(reset.timeIntervalSinceNow - 3600) < 60)
            // Not the hour to the reset (with room for a busy test machine).
            #expect(started.duration(to: .now) < .seconds(60))
            #expect(error?.description.contains("longer than this command waits") == true)
        }
    }

    @Test func aWaitForTheBudgetIsReportedBeforeItBegins() async throws {
        // A window long enough that the second request still has to wait when a loaded machine
        // (a matrix run) gets round to it: with 30 s it once found the window over, nothing to report.
        let budget = RequestBudget(requestsPerWindow: 1, window: .seconds(120))
        let ticket = try await budget.acquire()
        let answered = ContinuousClock.now
        await budget.answered(ticket, .accepted(statedLimit: nil))
        let heard = Collected<(wait: RequestBudget.Wait, at: ContinuousClock.Instant)>()
        let second = Task { try await budget.acquire { heard.add(($0, ContinuousClock.now)) } }
        try await eventually("the budget to report its wait") { !heard.all.isEmpty }
        second.cancel()
        guard let first = heard.all.first, case .budget(let seconds, _) = first.wait else { Issue.record("heard \(heard.all)"); return }
        // What was reported is what is left of the window (120 s and its margin, 2 %) counted from
        // the answer: however late this test's second task ran on a busy machine, the heard moment
        // plus the reported wait lands on the window's end.
        let windowEnd = answered.duration(to: first.at).inSeconds + seconds
        #expect(seconds > 0.5)
        #expect(windowEnd >= 120 && windowEnd <= 125, "reported \(seconds) s, \(windowEnd) s after the answer")
    }

    /// A refused connection never reached the server: it spends nothing of the request budget,
    /// so a client retrying an unreachable API is never held up by a budget it did not use.
    @Test func refusedConnectionsSpendNoBudget() async throws {
        let budget = RequestBudget(requestsPerWindow: 2, window: .seconds(60))
        // Port 9 (discard) on this machine: nothing listens, every connection is refused.
        var client = SegmindClient(configuration: SegmindConfiguration(apiKey: APIKey("SG_ffff0000ffff0000"), apiBase: "http://127.0.0.1:9"),
                                   retry: RetryPolicy(maxAttempts: 5, baseDelay: 0.01, maxDelay: 0.02), budget: budget)
        let heard = Collected<ClientNotice>()
        client.notices = { heard.add($0) }
        await #expect(throws: APIError.self) { try await client.status(of: RequestID("0f8e3c2a-0000-4000-8000-000000000000")!) }
        let retries = heard.all.filter { if case .retrying = $0 { true } else { false } }
        #expect(retries.count == 4, "\(heard.all)")
        #expect(!heard.all.contains { if case .waitingForBudget = $0 { true } else { false } }, "\(heard.all)")
        // And the budget is whole: two requests may go at once.
        await budget.answered(try await budget.acquire(), .accepted(statedLimit: nil))
        await budget.answered(try await budget.acquire(), .accepted(statedLimit: nil))
    }

    @Test func everyWaitIsReportedAsItBegins() async throws {
        try await SimulatorHarness.with { harness in
            let heard = Collected<ClientNotice>()
            var client = harness.client
            client.notices = { heard.add($0) }
            let submission = try await client.submit(SimulatorHarness.request)
            try await harness.control.rateLimit(1, resettingAfter: 2, path: "/v2/requests/")
            try await harness.control.fail(1, with: 502, path: "/v2/requests/")
            _ = try await client.status(of: submission.requestID)
            let notices = heard.all
            // Said with the reset's time, whatever is left of the 2 s when the 429 comes (a busy machine is slow).
            #expect(notices.contains { if case .rateLimited(_, let seconds) = $0 { (0...2).contains(seconds) } else { false } })
            // The 429 with its reset was waited out, not counted: the 502 is the first failed try.
            #expect(notices.contains { if case .retrying(let reason, _, 2, 6) = $0 { reason == "Segmind answered 502 (Simulated 502)" } else { false } })
        }
    }

    @Test func aRunOfRateLimitsLongerThanTheRetriesIsWaitedOut() async throws {
        // A busy batch meets many 429s in a row; each says when to come back, and none is a failure.
        try await SimulatorHarness.with { harness in
            let submission = try await harness.client.submit(SimulatorHarness.request)
            try await harness.control.rateLimit(10, resettingAfter: 0.2, path: "/v2/requests/")
            _ = try await harness.client.status(of: submission.requestID)
            #expect(try await harness.control.count("GET", "/v2/requests/") == 11)
        }
    }

    @Test func aRetiredModelAndARefusedAccountGetTheirOwnWords() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.fail(1, with: 410, path: "/v2/kling")
            let retired = await #expect(throws: APIError.self) { try await harness.client.submit(SimulatorHarness.request) }
            #expect(retired == .modelRetired(detail: "Simulated 410"))
            #expect(retired?.description.contains("the model was retired") == true)
            #expect(retired?.submissionFate == .refused)
            try await harness.control.fail(1, with: 406, path: "/v2/kling")
            let refused = await #expect(throws: APIError.self) { try await harness.client.submit(SimulatorHarness.request) }
            #expect(refused?.description.contains("(406: \"Simulated 406\")") == true)
            #expect(refused?.description.contains("out of credits or past its spending limit") == true)
        }
    }

    @Test(arguments: ["../../x", "a/b", "", String(repeating: "a", count: 65), "id?x=1", "id%2f", "a.b"])
    func anIDThatIsNotARequestIDCannotBeMadeSoNeverReachesAURL(id: String) {
        // The client takes only `RequestID`s: there is no way to hand it one of these.
        #expect(RequestID(id) == nil)
    }

    @Test(arguments: ["7ce53201-a657-4d17-ba99-c42bbfe8a5d3", "abc", String(repeating: "a", count: 64)])
    func aRequestIDIsLettersDigitsAndDashes(id: String) {
        #expect(RequestID(id)?.rawValue == id)
    }
}


