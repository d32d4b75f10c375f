import Support
import SystemPackage

/// The simulator as a child process on a free port: what `--simulate` (or no API key) runs
/// against. It is the `kling-media-simulator` installed beside this binary; it stops when this
/// process ends, however it ends (it watches its stdin). Its jobs and files are kept in the
/// simulation's folders, so a simulated job can be resumed or waited for later, as a real one can.
final class BuiltInSimulator: @unchecked Sendable {
    // Set once in init and read-only after; `stop` only signals and reaps the child.
    let baseURL: String
    private let pid: pid_t
    private let stdinWriter: Int32

    static let apiKey = "SG_5151a7e0c0ffee00"

    /// Starts it with its jobs in `stateFolder` and its outputs and uploads in `filesFolder`.
    init(stateFolder: String, filesFolder: String) throws(SimulatorLaunchError) {
        let binary = SimulatorForwarding.simulatorPath
        guard access(binary, X_OK) == 0 else { throw .missing(binary) }
        do {
            try PrivateFolder.make(stateFolder)
            try PrivateFolder.make(filesFolder)
        } catch {
            throw .failed("\(error)")
        }
        var output: [Int32] = [0, 0], input: [Int32] = [0, 0]
        guard pipe(&output) == 0, pipe(&input) == 0 else { throw .failed("\(SystemCalls.lastError)") }
        var actions = SpawnFileActions()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        for descriptor in [input[1], output[0]] { posix_spawn_file_actions_addclose(&actions, descriptor) }
        let arguments = [binary, "--port", "0", "--json", "--queue", "1", "--latency", "4", "--exit-with-stdin",
                         "--output-dir", filesFolder, "--state-dir", stateFolder]
        let argv = arguments.map { strdup($0) } + [nil]
        // This process's environment, as posix_spawn takes it (Darwin has no `environ` to hand over).
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, binary, &actions, nil, argv, envp)
        close(input[0])
        close(output[1])
        guard spawned == 0 else {
            close(input[1]); close(output[0])
            throw .failed("\(Errno(rawValue: spawned))")
        }
        pid = child
        stdinWriter = input[1]
        // The first line says where it listens: {"base_url": "http://127.0.0.1:PORT", "port": PORT}.
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(output[0], &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        close(output[0])
        guard case .number(let port)? = (try? JSONValue.decode(line))?["port"], port > 0 else {
            kill(child, SIGTERM)
            close(input[1])
            throw .failed("it did not say where it listens")
        }
        baseURL = "http://127.0.0.1:\(Int(port))"
    }

    func stop() {
        kill(pid, SIGTERM)
        close(stdinWriter)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

enum SimulatorLaunchError: Error, CustomStringConvertible {
    case missing(String)
    case failed(String)

    var description: String {
        switch self {
        case .missing(let path): return "\(path) is missing; build or install it beside kling-media (scripts/install does)"
        case .failed(let reason): return "the built-in simulator did not start: \(reason)"
        }
    }
}
