import Simulator

/// Runs `body` (and the child tasks it starts) on two threads of its own instead of Swift's
/// cooperative pool. A test whose assertion is about time (polls on time, a budget that grows
/// within seconds) measures the client, not the test runner: in a full run the pool is shared by
/// every test at once (two threads on a 2-core machine), and a task waiting its turn there looks
/// like a client that stalled.
public func offThePool<T>(_ body: () async throws -> T) async rethrows -> T {
    try await withTaskExecutorPreference(timedWork) { try await body() }
}

/// An unstructured task on the same two threads: `Task {}` does not take its starter's executor
/// preference, so a test's own tasks would otherwise wait their turn on the shared pool.
public func taskOffThePool<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> Task<T, Never> {
    Task(executorPreference: timedWork, operation: body)
}

private let timedWork = EventLoopTaskExecutor(threads: 2)
