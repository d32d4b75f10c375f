import Foundation
import HTTP
import HTTPTypes
import TestSupport
import Testing

/// The libcurl layer against a real server on loopback: statuses, bodies, files, failures.
@Suite struct HTTPClientTests {
    private let http = HTTPClient()

    @Test func statusAndBodyComeBackWhateverTheStatus() async throws {
        try await SimulatorHarness.with { harness in
            let response = try await http.send(HTTPExchange(url: harness.simulator.baseURL + "/v2/requests/nope/status",
                                                           headers: [.apiKey: SimulatorHarness.key]))
            #expect(response.status == 404)
            #expect(response.header(.contentType) == "application/json")
            #expect(response.bodyText == #"{"error":"Request nope not found"}"#)
        }
    }

    @Test func refusedConnectionWasCertainlyNotSent() async throws {
        // Port 9 (discard) on loopback: nothing listens there in a test sandbox.
        let error = await #expect(throws: HTTPError.self) {
            try await http.send(HTTPExchange(.post, url: "http://127.0.0.1:9/v2/x", body: .bytes([1, 2, 3])))
        }
        guard case .couldNotConnect(let host, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(host == "127.0.0.1")
        #expect(error?.requestCertainlyNotSent == true)
    }

    @Test func onlyHTTPAndHTTPSAreSpoken() async throws {
        #expect(throws: HTTPError.invalidURL("file:///etc/passwd")) { try HTTPExchange(url: "file:///etc/passwd") }
    }

    @Test func unreadableStreamedBodyIsNamedByItsSource() async throws {
        let body = RequestBody.stream(length: 10, source: "/clips/gone.mp4") { () throws(BodySourceError) -> any BodySource in
            throw BodySourceError("No such file or directory")
        }
        let error = await #expect(throws: HTTPError.self) {
            try await http.send(HTTPExchange(.post, url: "http://127.0.0.1:9/upload", body: body))
        }
        #expect(error == .fileUnreadable(path: "/clips/gone.mp4", detail: "No such file or directory"))
        #expect(error?.requestCertainlyNotSent == true)
    }

    @Test func slowAnswerTimesOutAfterTheRequestWasSent() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.delay(1, by: 3, path: "/v2/requests/slow")
            let error = await #expect(throws: HTTPError.self) {
                try await http.send(HTTPExchange(url: harness.simulator.baseURL + "/v2/requests/slow/status",
                                                headers: [.apiKey: SimulatorHarness.key], totalTimeout: 0.5))
            }
            #expect(error == .timedOut(host: "127.0.0.1", requestSent: true))
            #expect(error?.requestCertainlyNotSent == false)
        }
    }

    @Test func answerOverItsMemoryLimitIsRefused() async throws {
        try await SimulatorHarness.with { harness in
            let error = await #expect(throws: HTTPError.self) {
                try await http.send(HTTPExchange(url: harness.simulator.baseURL + "/v2/requests/x/status",
                                                destination: .memory(limit: 8)))
            }
            #expect(error == .responseTooLarge(host: "127.0.0.1", limit: 8))
        }
    }

    @Test func brokenAnswerIsAConnectionLostAfterSending() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.drop(1, path: "/v2/requests/")
            let error = await #expect(throws: HTTPError.self) {
                try await http.send(HTTPExchange(url: harness.simulator.baseURL + "/v2/requests/x/status",
                                                headers: [.apiKey: SimulatorHarness.key]))
            }
            guard case .connectionLost(_, let sent, _) = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(sent)
        }
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.delay(1, by: 120, path: "/v2/requests/")
            let started = ContinuousClock.now
            let task = Task {
                try await http.send(HTTPExchange(url: harness.simulator.baseURL + "/v2/requests/x/status",
                                                headers: [.apiKey: SimulatorHarness.key]))
            }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let result = await task.result
            // Cancelled before or after the request left (a GET: either is harmless).
            let error = #expect(throws: HTTPError.self) { try result.get() }
            #expect(error?.isCancellation == true)
            // Far sooner than the 120 s the server would have taken (with room for a busy test machine).
            #expect(started.duration(to: .now) < .seconds(60))
        }
    }

    @Test func responseBodyIsWrittenToAFile() async throws {
        try await SimulatorHarness.with { harness in
            let job = try await harness.client.submit(SimulatorHarness.request)
            _ = try await harness.client.waitForResult(of: job.requestID)
            let target = harness.outputDirectory.appendingPathComponent("copy.mp4").path
            let response = try await http.send(HTTPExchange(url: harness.simulator.baseURL + "/outputs/\(job.requestID).mp4",
                                                           destination: .file(path: target)))
            #expect(response.status == 200)
            let original = try Data(contentsOf: harness.outputDirectory.appendingPathComponent("\(job.requestID).mp4"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == original)
            #expect(response.bytesReceived == Int64(original.count))
        }
    }
}
