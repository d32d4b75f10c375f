import Foundation
import Segmind
import TestSupport
import Testing

/// A finished job costs two requests (submit, one fetch of its result) when the first poll comes
/// after the model's time and the host's result endpoint answers running jobs; a host whose result
/// endpoint refuses them is polled the documented way, and that is remembered.
@Suite struct ResultPollingTests {
    private func memory() -> ResultPollingMemory {
        ResultPollingMemory(path: Scratch.temporary.appendingPathComponent("kling-polling-\(UUID().uuidString).json").path)
    }

    @Test func aJobPolledAfterTheModelsTimeCostsTwoRequests() async throws {
        try await SimulatorHarness.with { harness in
            var client = harness.client
            let remembered = memory()
            client.pollingMemory = remembered
            let heard = Collected<ClientNotice>()
            client.notices = { heard.add($0) }
            let submission = try await client.submit(SimulatorHarness.request)
            // The first poll comes once the job is done (its file rendered, a busy machine or not),
            // as it does after a model's typical time.
            // (Its last file, the decoy page, is written just before the simulator calls it done.)
            let last = harness.outputDirectory.appendingPathComponent("\(submission.requestID.rawValue)-preview.mp4").path
            // (The renders of every in-process simulator share one queue: on a busy run it is long.)
            try await eventually(within: 300, "the job's files") { FileManager.default.fileExists(atPath: last) }
            let statuses = Collected<JobStatus>()
            let result = try await client.waitForResult(of: JobLocation(requestID: submission.requestID), firstPollAfter: 1) { statuses.add($0.status) }
            #expect(statuses.all == [.completed])
            #expect(!result.outputURLs.isEmpty)
            let log = try await harness.control.log().filter { ($0["path"] as? String ?? "").hasPrefix("/v2/") }
            #expect(log.count == 2, "\(log.map { "\($0["method"] ?? "") \($0["path"] ?? "")" })")
            #expect(try await harness.control.count("GET", "/v2/requests/\(submission.requestID.rawValue)/status") == 0)
            #expect(heard.all.contains { if case .waitingForModel(let seconds) = $0 { seconds > 0.5 } else { false } })
            #expect(remembered.polling(for: "127.0.0.1") == .direct)
        }
    }

    @Test func aRunningJobIsPolledAtItsResultEndpointAlone() async throws {
        try await SimulatorHarness.with { harness in
            var client = harness.client
            client.polling = PollingPolicy(firstInterval: 0.1, growth: 1, longestInterval: 0.1)
            let submission = try await client.submit(SimulatorHarness.request)
            let statuses = Collected<JobStatus>()
            // Held running until polled twice, however late a busy machine polls.
            try await whileHeld(harness, until: { statuses.all.count >= 2 }) { [client] in
                _ = try await client.waitForResult(of: JobLocation(requestID: submission.requestID)) { statuses.add($0.status) }
            }
            #expect(statuses.all.contains(.processing) && statuses.all.last == .completed)
            #expect(try await harness.control.count("GET", "/v2/requests/\(submission.requestID.rawValue)/status") == 0)
        }
    }

    @Test func aResultEndpointThatRefusesRunningJobsIsPolledTheDocumentedWay() async throws {
        try await SimulatorHarness.with({ $0.resultWhileRunning = .notFound }) { harness in
            var client = harness.client
            client.polling = PollingPolicy(firstInterval: 0.1, growth: 1, longestInterval: 0.1)
            let remembered = memory()
            client.pollingMemory = remembered
            let first = try await client.submit(SimulatorHarness.request)
            _ = try await client.waitForResult(of: JobLocation(requestID: first.requestID))
            #expect(remembered.polling(for: "127.0.0.1") == .separate)
            // Known now: the next job's result endpoint is asked once, when its status says COMPLETED.
            let second = try await client.submit(SimulatorHarness.request)
            let id = second.requestID.rawValue
            try await whileHeld(harness, until: { try await harness.control.count("GET", "/v2/requests/\(id)/status") >= 2 }) { [client] in
                _ = try await client.waitForResult(of: JobLocation(requestID: second.requestID))
            }
            #expect(try await harness.control.count("GET", "/v2/requests/\(id)/status") >= 2)
            let fetches = try await harness.control.requests("GET", "/v2/requests/\(id)").filter { $0["path"] as? String == "/v2/requests/\(id)" }
            #expect(fetches.count == 1)
            // An unknown id is still "not found", not a refusal to answer.
            let unknown = try await #require(throws: APIError.self) {
                try await client.waitForResult(of: RequestID("0f8e3c2a-0000-4000-8000-000000000000")!)
            }
            guard case .notFound = unknown else { Issue.record("\(unknown)"); return }
        }
    }

    /// Runs `wait` with the simulator's jobs held running until `condition` holds, then lets them finish.
    private func whileHeld(_ harness: SimulatorHarness, until condition: @escaping @Sendable () async throws -> Bool,
                           _ wait: @escaping @Sendable () async throws -> Void) async throws {
        try await harness.control.hold(true)
        let waiting = Task { try await wait() }
        do {
            try await eventually("the job polled while running", condition)
        } catch {
            try await harness.control.hold(false)
            waiting.cancel()
            throw error
        }
        try await harness.control.hold(false)
        try await waiting.value
    }
}
