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
        // A minute's window: nobody in line is served during the test unless a slot is handed back.
        let budget = RequestBudget(requestsPerWindow: 1, window: .seconds(60), learns: false)
        let taken = try await budget.acquire()
        let firstServed = Collected<Int>()
        let first = Task {
            let ticket = try await budget.acquire()
            firstServed.add(ticket)
            return ticket
        }
        try await Task.sleep(for: .milliseconds(50))
        let second = Task { try await budget.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        second.cancel()
        // It leaves the line at once, not when its turn would have come (a minute on).
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(firstServed.all.isEmpty, "the one before it is still waiting")
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        // With both gone and the slot handed back (never sent), one that asks now is served at once:
        // nobody is left in line before it.
        await budget.neverSent(taken)
        _ = try await budget.acquire()
    }
}
