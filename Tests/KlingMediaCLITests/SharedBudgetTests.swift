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
        var configured = try await JobCommandTests.Sandbox(simulatorArguments: ["--queue", "400", "--latency", "800", "--rate-limit", "3",
                                                                             "--time-scale", "0.05", "--rate-headers"])
        configured.environment["SEGMIND_REQUESTS_PER_MINUTE"] = "3"
        configured.environment["SEGMIND_RATE_WINDOW_SECONDS"] = "3"
        let sandbox = configured
        defer { sandbox.close() }
        let id = try await sandbox.submit()
        let started = ContinuousClock.now
        // Two processes at a time, four status calls each: nine requests with the submission.
        async let first = [sandbox.run(["status", id]), sandbox.run(["status", id])]
        async let second = [sandbox.run(["status", id]), sandbox.run(["status", id])]
        var results = try await first + second
        results += try await [sandbox.run(["status", id]), sandbox.run(["status", id]),
                              sandbox.run(["status", id]), sandbox.run(["status", id])]
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
        // And one of them said it waited, naming the rate.
        #expect(results.contains { $0.standardError.contains("for the request budget (3 requests a minute") }, "\(results.map(\.standardError))")
    }
}
