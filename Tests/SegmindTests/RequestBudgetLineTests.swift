import Foundation
import Segmind
import TestSupport
import Testing

/// Requests that wait for the budget are served in the order they asked: none is overtaken by one
/// that asks later (in a busy batch one poll, for a job long done, was overtaken four windows in a
/// row while its place at Segmind sat idle), and one cancelled in line leaves it at once.
@Suite struct RequestBudgetLineTests {
    @Test func requestsWaitingForTheBudgetAreServedInTheOrderTheyAsked() async throws {
        let budget = RequestBudget(requestsPerWindow: 1, window: .milliseconds(300), learns: false)
        await budget.answered(try await budget.acquire(), .accepted(statedLimit: nil))
        let granted = Collected<Int>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for asker in 0..<5 {
                group.addTask {
                    let ticket = try await budget.acquire()
                    granted.add(asker)
                    await budget.answered(ticket, .accepted(statedLimit: nil))
                }
                // Each asks while the ones before it wait; the last ones ask as the window frees up.
                try await Task.sleep(for: .milliseconds(asker < 3 ? 30 : 390))
            }
            try await group.waitForAll()
        }
        #expect(granted.all == [0, 1, 2, 3, 4])
    }

    @Test func aRequestCancelledInLineLeavesItAndTheNextGoesOn() async throws {
        let budget = RequestBudget(requestsPerWindow: 1, window: .milliseconds(500), learns: false)
        await budget.answered(try await budget.acquire(), .accepted(statedLimit: nil))
        let first = Task { try await budget.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        let second = Task { try await budget.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        let cancelledAt = ContinuousClock.now
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(cancelledAt.duration(to: .now) < .milliseconds(200), "it left the line at once")
        let third = Task { try await budget.acquire() }
        // The first in line is served, then the one that asked after the cancelled one.
        let ticket = try await first.value
        await budget.answered(ticket, .accepted(statedLimit: nil))
        _ = try await third.value
    }
}
