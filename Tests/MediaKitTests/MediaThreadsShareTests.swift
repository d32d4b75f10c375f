import Dispatch
import Testing
@testable import MediaKit

/// Media work that starts while other media work runs gets its share of the cores for its codecs
/// (work that runs alone leaves the choice to FFmpeg and x264: 0).
@Suite struct MediaThreadsShareTests {
    @Test func workStartedBesideOtherWorkGetsItsShareOfTheCores() async throws {
        try #require(MediaThreads.slotCount >= 2, "needs two media slots (two cores) to run two pieces of work at once")
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let first = Task {
            await MediaThreads.run { () -> Int32 in
                let threads = MediaThreads.codecThreads
                started.signal()
                release.wait()
                return threads
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { started.wait(); continuation.resume() }
        }
        let second = await MediaThreads.run { MediaThreads.codecThreads }
        release.signal()
        // Other tests' media work may run too, so the first piece may not have been alone; the second
        // began while the first held its slot, so it shares the cores.
        let firstThreads = await first.value
        #expect(firstThreads >= 0)
        #expect(second >= 1 && second <= Int32(max(1, MediaThreads.slotCount / 2)), "work beside another gets its share, got \(second)")
        #expect(MediaThreads.codecThreads == 0, "outside media work nothing is set")
    }
}
