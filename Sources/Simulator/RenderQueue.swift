import Segmind
import Support

/// One x264 render at a time in this process, on a thread of its own. x264 already uses every
/// core for one clip; many renders at once (a test process runs dozens of simulators) would only
/// crowd out the threads that answer requests, and time requests out.
actor RenderQueue {
    static let shared = RenderQueue()

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        let result = await DedicatedThread.run(work)
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
        return result
    }
}
