import Dispatch
import Synchronization
import Testing
import TestSupport
@testable import MediaKit

/// Media work that starts while other media work runs gets its share of the cores for its codecs
/// (work that runs alone leaves the choice to FFmpeg and x264: 0); work done ahead of need runs
/// alone, on cores no edit wants. Each test has lanes of its own (two cores' worth, on threads of
/// their own), so other tests' media work never stands in its way.
@Suite struct MediaThreadsShareTests {
    @Test func workStartedBesideOtherWorkGetsItsShareOfTheCores() async throws {
        let lanes = MediaLanes(cores: 2, executor: MediaThreads.OwnThreads.shared)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let first = Task {
            await lanes.run(.edit) { () -> Int32 in
                let threads = MediaThreads.codecThreads
                started.signal()
                release.wait()
                return threads
            }
        }
        await wait(for: started)
        let second = await lanes.run(.edit) { MediaThreads.codecThreads }
        release.signal()
        #expect(await first.value == 0, "work alone leaves the choice to the codecs")
        #expect(second == 1, "work beside another gets its share of the two cores, got \(second)")
        #expect(MediaThreads.codecThreads == 0, "outside media work nothing is set")
    }

    /// A stitch made ahead never runs beside an edit, either way round: the edit waits for it, and
    /// it waits for the edit (so a batch never holds two encodes' memory for work nobody waits for).
    @Test func workDoneAheadRunsAloneNeverBesideAnEdit() async throws {
        let lanes = MediaLanes(cores: 2, executor: MediaThreads.OwnThreads.shared)
        let aheadRunning = DispatchSemaphore(value: 0)
        let finishAhead = DispatchSemaphore(value: 0)
        let ahead = Task {
            try await lanes.runAhead { () -> Int32 in
                aheadRunning.signal()
                finishAhead.wait()
                return MediaThreads.codecThreads
            }
        }
        await wait(for: aheadRunning)
        let editBegan = Mutex(false)
        let edit = Task { await lanes.run(.edit) { editBegan.withLock { $0 = true } } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!editBegan.withLock { $0 }, "an edit began while a stitch made ahead was running")
        finishAhead.signal()
        await edit.value
        #expect(try await ahead.value == 0, "work done ahead runs alone: its codecs may use every core")

        let editRunning = DispatchSemaphore(value: 0)
        let finishEdit = DispatchSemaphore(value: 0)
        let longEdit = Task { await lanes.run(.edit) { editRunning.signal(); finishEdit.wait() } }
        await wait(for: editRunning)
        let aheadBegan = Mutex(false)
        let second = Task { try await lanes.runAhead { aheadBegan.withLock { $0 = true } } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!aheadBegan.withLock { $0 }, "a stitch made ahead began while an edit was running")
        finishEdit.signal()
        await longEdit.value
        try await second.value
        #expect(aheadBegan.withLock { $0 })
    }

    /// Work done ahead waits for the cores to be free without holding them: an edit that asks
    /// after it goes first (beside the edit already running), and once its task is cancelled (its
    /// shot came) it leaves the line at once, without waiting for its turn.
    @Test func editsAskingAfterWorkDoneAheadGoFirstAndACancelledOneLeavesAtOnce() async throws {
        // Its tasks on threads of their own: in a full run the cooperative pool is two threads that
        // every test shares, and a task waiting its turn there looks like an edit held in line.
        try await offThePool { try await editsAskingAfterWorkDoneAheadGoFirst() }
    }

    private func editsAskingAfterWorkDoneAheadGoFirst() async throws {
        let lanes = MediaLanes(cores: 2, executor: MediaThreads.OwnThreads.shared)
        let editRunning = DispatchSemaphore(value: 0)
        let finishEdit = DispatchSemaphore(value: 0)
        // The test's own tasks off the pool too (unstructured tasks do not take the preference): a
        // full run once starved the cancelled one of a pool thread past the deadline below.
        let longEdit = taskOffThePool { await lanes.run(.edit) { editRunning.signal(); finishEdit.wait() } }
        await wait(for: editRunning)
        let aheadBegan = Mutex(false)
        let aheadOver = Mutex(false)
        let ahead = taskOffThePool { () -> EditError? in
            defer { aheadOver.withLock { $0 = true } }
            do {
                try await lanes.runAhead { aheadBegan.withLock { $0 = true } }
                return nil
            } catch {
                return error as? EditError
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let laterThreads = Mutex<Int32?>(nil)
        let laterEdit = taskOffThePool { await lanes.run(.edit) { laterThreads.withLock { $0 = MediaThreads.codecThreads } } }
        #expect(await within(seconds: 10) { laterThreads.withLock { $0 } != nil },
                "an edit asking after the stitch made ahead waited behind it")
        #expect(laterThreads.withLock { $0 } == 1, "the later edit runs beside the first, with its share of the cores")
        ahead.cancel()
        #expect(await within(seconds: 10) { aheadOver.withLock { $0 } }, "a cancelled stitch made ahead stayed in the line")
        finishEdit.signal()
        await longEdit.value
        await laterEdit.value
        #expect(await ahead.value == .cancelled, "a stitch made ahead ran after its task was cancelled")
        #expect(!aheadBegan.withLock { $0 })
    }

    /// Whether `condition` holds within `seconds` (looked at every 20 ms).
    private func within(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Waits for `semaphore` without holding one of Swift's cooperative threads.
    private func wait(for semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { semaphore.wait(); continuation.resume() }
        }
    }
}
