import Foundation
import HTTP
import HTTPTypes
import Testing

/// When a rate-limited or unavailable server says to come back, in every form servers say it.
@Suite struct RetryAfterTests {
    private func response(_ headers: HTTPFields) -> HTTPAnswer {
        HTTPAnswer(head: HTTPResponse(status: .tooManyRequests, headerFields: headers), body: [], bytesReceived: 0)
    }

    @Test(arguments: ["2026-11-25T12:00:30Z", "2026-11-25T12:00:30.000Z", "1795608030", "2026-11-25 12:00:30"])
    func resetTimeIsReadInEveryUsualForm(text: String) throws {
        let now = try Date("2026-11-25T12:00:00Z", strategy: .iso8601)
        let seconds = RetryAfter.seconds(from: response([.rateLimitResetAtUTC: text]), now: now)
        #expect(seconds == 30)
    }

    @Test func retryAfterInSecondsOrAsAnHTTPDate() throws {
        let now = try Date("2026-11-25T12:00:00Z", strategy: .iso8601)
        #expect(RetryAfter.seconds(from: response([.retryAfter: "7"]), now: now) == 7)
        #expect(RetryAfter.seconds(from: response([.retryAfter: "Wed, 25 Nov 2026 12:01:00 GMT"]), now: now) == 60)
        #expect(RetryAfter.seconds(from: response([:]), now: now) == nil)
    }
}
