import ArgumentParser
import Journal
import Pipeline
import Segmind
import Support

/// Where a command runs: Segmind with the user's key, journal and cache, or, with no key (or
/// --simulate), the built-in simulator on loopback with the simulation's own journal and cache
/// (`simulation/` beside the real ones). Both are kept, so "never paid twice" and "resume" can be
/// seen in a simulation as they are lived with a key.
final class CommandSession: Sendable {
    let session: Session
    let configuration: SegmindConfiguration
    let simulator: BuiltInSimulator?

    private init(session: Session, configuration: SegmindConfiguration, simulator: BuiltInSimulator?) {
        self.session = session
        self.configuration = configuration
        self.simulator = simulator
    }

    var isSimulated: Bool { simulator != nil }

    /// For commands that make shots (`continue`, `batch`): the user's Segmind setup, or the
    /// simulation when asked for or when no key is set. The client's waits are said through `notices`.
    static func open(simulate: Bool, notices: NoticePrinter) throws -> CommandSession {
        let configuration = try loadConfiguration()
        if let configuration, !simulate { return try real(configuration, notices: notices) }
        return try simulated(keySet: configuration != nil, notices: notices)
    }

    /// For commands that go on with jobs (`wait`, `resume`, `status`, `submit`; `command` as the
    /// user would type it again): the simulation with --simulate, else the user's setup. Without a key, the command ends saying what this
    /// machine holds: no real jobs (and how many simulated ones, with the --simulate to reach
    /// them), or real ones that need the key; `whenNothingReal` is its status in the first case.
    static func forJobs(_ command: String, simulate: Bool, notices: NoticePrinter, whenNothingReal: ExitStatus = .unusable,
                        adjust: (inout SegmindClient) -> Void = { _ in }) throws -> CommandSession {
        let configuration = try loadConfiguration()
        if simulate { return try simulated(keySet: configuration != nil, notices: notices, announce: false, adjust: adjust) }
        guard let configuration else {
            // A new job needs a key, whatever the journal holds.
            if command == "submit" { return try real(try userConfiguration(), notices: notices, adjust: adjust) }
            let realJobs = JobCount.in(JobJournal.defaultDirectory())
            if realJobs == 0 {
                Terminal.reportFailure("no real jobs on this machine (and no SEGMIND_API_KEY to make one). "
                                    + JobCount.simulatedNote(command: command))
                throw whenNothingReal.code
            }
            return try real(try userConfiguration(), notices: notices, adjust: adjust)
        }
        return try real(configuration, notices: notices, adjust: adjust)
    }

    /// The user's Segmind setup; without a key, the command ends with status 2 and a line saying
    /// what to set.
    static func userConfiguration() throws -> SegmindConfiguration {
        guard let configuration = try loadConfiguration() else {
            Terminal.printError("""
                kling-media: no API key: set SEGMIND_API_KEY, or write {"api_key": "SG_…"} to \
                \(SegmindConfiguration.configPath(environment: ProcessInfo.processInfo.environment)) (mode 0600). \
                To try it without a key, add --simulate.
                """)
            throw ExitStatus.unusable.code
        }
        return configuration
    }

    private static func loadConfiguration() throws -> SegmindConfiguration? {
        do { return try SegmindConfiguration.load() } catch {
            throw Terminal.fail(error, status: .unusable)
        }
    }

    private static func real(_ configuration: SegmindConfiguration, notices: NoticePrinter,
                             adjust: (inout SegmindClient) -> Void = { _ in }) throws -> CommandSession {
        if !configuration.apiKey.looksLikeSegmindKey {
            notices.say("unusual_key", "warning: SEGMIND_API_KEY does not look like a Segmind key (SG_ and hex digits)")
        }
        do {
            let session = try Session.open(configuration, folders: .user(), notices: { notices.print($0) }, adjust: adjust)
            return CommandSession(session: session, configuration: configuration, simulator: nil)
        } catch {
            throw Terminal.fail(error, status: .unusable)
        }
    }

    private static func simulated(keySet: Bool, notices: NoticePrinter, announce: Bool = true,
                                  adjust: (inout SegmindClient) -> Void = { _ in }) throws -> CommandSession {
        let simulator: BuiltInSimulator
        do {
            simulator = try BuiltInSimulator(stateFolder: AppFolders.simulationState() + "/simulator",
                                             filesFolder: AppFolders.simulationCache() + "/simulator")
        } catch {
            throw Terminal.fail(error, status: .unusable)
        }
        if announce {
            notices.say("simulation", """
                SIMULATION (\(keySet ? "--simulate" : "no SEGMIND_API_KEY is set")): this runs against the built-in \
                simulator on \(simulator.baseURL). Nothing is sent to Segmind or paid for; each new shot is a simulated \
                continuation of the clip's last frame. \(keySet ? "Without --simulate" : "With SEGMIND_API_KEY set"), it makes real shots.
                """, facts: ["base_url": .string(simulator.baseURL)])
        }
        // Generous: the simulator does not rate-limit unless asked to.
        let configuration = SegmindConfiguration(apiKey: APIKey(BuiltInSimulator.apiKey), apiBase: simulator.baseURL,
                                                 requestsPerMinute: 600, uploadURL: simulator.baseURL + "/upload-asset")
        do {
            let session = try Session.open(configuration, folders: .simulation(), notices: { notices.print($0) }, adjust: adjust)
            return CommandSession(session: session, configuration: configuration, simulator: simulator)
        } catch {
            simulator.stop()
            throw Terminal.fail(error, status: .unusable)
        }
    }

    func close() {
        simulator?.stop()
    }
}

/// How many jobs a journal folder holds, read without opening the journal (which would make it).
enum JobCount {
    static func `in`(_ directory: String) -> Int {
        guard SystemCalls.exists(directory), let journal = try? JobJournal(directory: directory) else { return 0 }
        return (try? journal.all().count) ?? 0
    }

    /// "3 simulated jobs: add --simulate (`kling-media resume --simulate`)." or "No simulated jobs either."
    static func simulatedNote(command: String) -> String {
        let simulated = JobCount.in(Session.Folders.simulation().journal)
        guard simulated > 0 else { return "No simulated ones either: `kling-media continue CLIP --prompt … --simulate` makes one." }
        return "\(simulated) simulated job\(simulated == 1 ? "" : "s"): add --simulate (`kling-media \(command) --simulate`)."
    }
}
