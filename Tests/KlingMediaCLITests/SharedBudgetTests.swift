import Foundation
import TestSupport
import Testing

/// Every kling-media process using a key on this machine draws on one request budget (a locked
/// file in the state folder), so two commands run side by side never ask more than the plan allows
/// between them.
@Suite struct SharedBudgetTests {
    @Test func twoProcessesPollingOneKeyTogetherStayWithinItsLimit() async throws {
        // 3 requests per 3-second "minute" (a 60 s minute at a 0.05 time scale), the client told so,
        // and the server saying so in its headers (else the budget would rightly try a little more).
        var configured = try await JobCommandTests.Sandbox(simulatorArguments: ["--queue", "40000", "--latency", "80000", "--rate-limit", "3",
                                                                             "--time-scale", "0.05", "--rate-headers"])
        configured.environment["SEGMIND_REQUESTS_PER_MINUTE"] = "3"
        configured.environment["SEGMIND_TIME_SCALE"] = "0.05"
        let sandbox = configured
        defer { sandbox.close() }
        let id = try await sandbox.submit()
        let started = ContinuousClock.now
        // Four processes at once, twice: nine requests with the submission.
        var results: [ProcessResult] = []
        for _ in 0..<2 {
            async let a = sandbox.run(["status", id])
            async let b = sandbox.run(["status", id])
            async let c = sandbox.run(["status", id])
            async let d = sandbox.run(["status", id])
            results += try await [a, b, c, d]
        }
        for result in results { #expect(result.status == 0, "\(result.standardError)") }
        let log = try await sandbox.simulator.control.log().filter { ($0["path"] as? String ?? "").hasPrefix("/v2/") }
        #expect(log.count == 9, "\(log.map { "\($0["method"] ?? "") \($0["path"] ?? "") \($0["status"] ?? "")" })")
        // The server refused none: the processes waited for each other's requests instead.
        #expect(log.allSatisfy { $0["status"] as? Int != 429 }, "\(log.map { $0["status"] ?? "-" })")
        let arrivals = log.compactMap { $0["arrived"] as? Double }.sorted()
        for (index, time) in arrivals.enumerated() where index + 3 < arrivals.count {
            #expect(arrivals[index + 3] - time >= 3, "four requests within 3 s: \(arrivals)")
        }
        #expect(started.duration(to: .now) >= .seconds(6))
        // Those that waited said so, naming the rate (and its "minute", 3 s here).
        let waited = results.filter { $0.standardError.contains("for the request budget") }
        #expect(waited.allSatisfy { $0.standardError.contains("(3 requests a minute for this key, as learned") }, "\(waited.map(\.standardError))")
    }
}
