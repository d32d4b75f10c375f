import Foundation
import HTTPTypes
@testable import HTTP
import Support
import Synchronization
import TestSupport
import Testing

/// The simulator answers like another machine would: while every thread of this process's
/// cooperative pool is held by blocking work (what a test that encodes synchronously does), its
/// answers still come. Before it answered on that pool, a full test run's answers could wait past
/// the client's 60 s patience, and a submission whose answer is lost is never sent again.
@Suite struct SimulatorAnswerThreadTests {
    @Test func answersComeWhileEveryCooperativeThreadIsBlocked() async throws {
        try await SimulatorHarness.with { harness in
            let url = harness.simulator.baseURL + "/v2/requests/00000000-0000-0000-0000-000000000000/status"
            let exchange = try HTTPExchange(url: url, headers: [HTTPField.Name("x-api-key")!: SimulatorHarness.key],
                                            totalTimeout: 20)
            let blockSeconds = 4.0
            let watch = Watch()
            // As many blockers as the pool has threads: each holds its thread until the time is up.
            let blockers = ProcessInfo.processInfo.activeProcessorCount
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<blockers {
                    group.addTask {
                        watch.blocking()
                        usleep(UInt32(blockSeconds * 1_000_000))
                    }
                }
                // The request leaves from a plain thread, so only the server's side is on trial.
                DedicatedThread.start {
                    watch.waitForABlocker()
                    let result = try? CurlTransfer(exchange, progress: nil, patience: nil).perform().get()
                    watch.answered(result?.head.status.code ?? 0)
                }
            }
            let answer = try #require(watch.answer, "no answer came while the pool was blocked")
            #expect(answer.status == 404)
            #expect(answer.after < .seconds(blockSeconds),
                    "the answer came after \(answer.after), when the pool's threads were free again")
        }
    }
}

/// When the blockers took the pool, and when (and with what) the answer came.
private final class Watch: Sendable {
    private let clock = ContinuousClock()
    private let state = Mutex<(blockedAt: ContinuousClock.Instant?, answer: (status: Int, after: Duration)?)>((nil, nil))

    func blocking() { state.withLock { if $0.blockedAt == nil { $0.blockedAt = clock.now } } }

    func waitForABlocker() {
        while state.withLock({ $0.blockedAt == nil }) { usleep(1_000) }
    }

    func answered(_ status: Int) {
        state.withLock { $0.answer = (status, $0.blockedAt!.duration(to: clock.now)) }
    }

    var answer: (status: Int, after: Duration)? { state.withLock { $0.answer } }
}
