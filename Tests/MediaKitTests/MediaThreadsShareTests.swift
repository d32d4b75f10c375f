import Dispatch
import Synchronization
import Testing
@testable import MediaKit

/// Media work that starts while other media work runs gets its share of the cores for its codecs
/// (work that runs alone leaves the choice to FFmpeg and x264: 0); work done ahead of need runs
/// alone. Each test has lanes of its own (two cores' worth), so other tests' media work never
/// stands in its way.
@Suite struct MediaThreadsShareTests {
    @Test func workStartedBesideOtherWorkGetsItsShareOfTheCores() async throws {
        let lanes = MediaLanes(cores: 2)
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
        let lanes = MediaLanes(cores: 2)
        let aheadRunning = DispatchSemaphore(value: 0)
        let finishAhead = DispatchSemaphore(value: 0)
        let ahead = Task {
            await lanes.run(.background) { () -> Int32 in
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
        #expect(await ahead.value == 0, "work done ahead runs alone: its codecs may use every core")

        let editRunning = DispatchSemaphore(value: 0)
        let finishEdit = DispatchSemaphore(value: 0)
        let longEdit = Task { await lanes.run(.edit) { editRunning.signal(); finishEdit.wait() } }
        await wait(for: editRunning)
        let aheadBegan = Mutex(false)
        let second = Task { await lanes.run(.background) { aheadBegan.withLock { $0 = true } } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!aheadBegan.withLock { $0 }, "a stitch made ahead began while an edit was running")
        finishEdit.signal()
        await longEdit.value
        await second.value
        #expect(aheadBegan.withLock { $0 })
    }

    /// Waits for `semaphore` without holding one of Swift's cooperative threads.
    private func wait(for semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { semaphore.wait(); continuation.resume() }
        }
    }
}
