import Support

/// How a host's jobs are best polled. Segmind documents polling the status endpoint, then
/// fetching the result: two requests for a finished job. Its result endpoint also answers a job
/// that is still running, with the job's status (the body carries `status`, as every v2 answer
/// does), so polling it directly costs one request for a finished job. A host whose result
/// endpoint refuses a running job is polled the documented way. What each host does is learned on
/// its first job and remembered (`result-polling.json` in the state folder).
public enum ResultPolling: String, Codable, Sendable, Equatable {
    /// The result endpoint answers a running job with its status: poll it alone.
    case direct
    /// Poll the status endpoint, then fetch the result.
    case separate
}

/// What each API host does, remembered.
public struct ResultPollingMemory: Sendable {
    private let memory: KeyedMemory<ResultPolling>

    public init(path: String) {
        memory = KeyedMemory(path: path)
    }

    /// `$XDG_STATE_HOME/kling-media/result-polling.json`, or `~/.local/state/…`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        AppFolders.state(environment: environment) + "/result-polling.json"
    }

    public func polling(for host: String) -> ResultPolling? { memory.value(for: host) }

    public func remember(_ polling: ResultPolling, for host: String) { memory.remember(polling, for: host) }
}
