import Foundation
import Support

/// A condition a test waits for, polled every 20 ms and given up on after `seconds`: a test
/// that waits for something that never comes fails with what it waited for, never hangs the run.
public func eventually(within seconds: Double = 60, _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitedInVain(what: what, seconds: seconds) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

public struct WaitedInVain: Error, CustomStringConvertible {
    public let what: String
    public let seconds: Double

    public init(what: String, seconds: Double) {
        self.what = what
        self.seconds = seconds
    }
    public var description: String { "waited \(Int(seconds)) s in vain for \(what)" }
}

/// Runs blocking work (an x264 encode, say) on a thread of its own: on the test runner's few
/// cooperative threads it would stall every other test of the run, servers in the process included.
public func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await DedicatedThread.run { Result { try work() } }.get()
}

/// What a callback heard, in order, safe to add to from any thread.
public final class Collected<Element: Sendable>: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var elements: [Element] = []

    public init() {}

    public func add(_ element: Element) { lock.withLock { elements.append(element) } }
    public var all: [Element] { lock.withLock { elements } }
}
