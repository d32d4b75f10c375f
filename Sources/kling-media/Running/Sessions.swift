import ArgumentParser
import Pipeline
import Segmind

/// Where a command runs: Segmind with the user's key, journal and cache, or, with no key (or
/// --simulate), the built-in simulator on loopback, with a journal and upload cache of its own
/// that end with the run (the simulator's jobs end with it too).
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

    /// The user's Segmind setup, or the simulator when asked for or when no key is set. The
    /// client's waits are said through `notices`.
    static func open(simulate: Bool, notices: NoticePrinter) throws -> CommandSession {
        let configuration: SegmindConfiguration?
        do { configuration = simulate ? nil : try SegmindConfiguration.load() } catch {
            throw Terminal.fail(error, status: .unusable)
        }
        if let configuration { return try real(configuration, notices: notices) }
        return try simulated(because: simulate ? "--simulate" : "no SEGMIND_API_KEY is set", notices: notices)
    }

    /// The user's Segmind setup only (for commands that go on with journalled jobs): without a key,
    /// the command ends with status 2 and a line saying what to set.
    static func real(notices: NoticePrinter, adjust: (inout SegmindClient) -> Void = { _ in }) throws -> CommandSession {
        let configuration: SegmindConfiguration?
        do { configuration = try SegmindConfiguration.load() } catch {
            throw Terminal.fail(error, status: .unusable)
        }
        guard let configuration else {
            Terminal.printError("""
                kling-media: no API key: set SEGMIND_API_KEY, or write {"api_key": "SG_…"} to \
                \(SegmindConfiguration.configPath(environment: ProcessInfo.processInfo.environment)) (mode 0600). \
                To try it without a key, run `kling-media simulator` and follow what it prints.
                """)
            throw ExitStatus.unusable.code
        }
        if !configuration.apiKey.looksLikeSegmindKey {
            Terminal.printError("kling-media: warning: SEGMIND_API_KEY does not look like a Segmind key (SG_ and hex digits)")
        }
        return try real(configuration, notices: notices, adjust: adjust)
    }

    private static func real(_ configuration: SegmindConfiguration, notices: NoticePrinter,
                             adjust: (inout SegmindClient) -> Void = { _ in }) throws -> CommandSession {
        do {
            let session = try Session.open(configuration, folders: .user(), notices: { notices.print($0) }, adjust: adjust)
            return CommandSession(session: session, configuration: configuration, simulator: nil)
        } catch {
            throw Terminal.fail(error, status: .unusable)
        }
    }

    private static func simulated(because reason: String, notices: NoticePrinter) throws -> CommandSession {
        let simulator: BuiltInSimulator
        do { simulator = try BuiltInSimulator() } catch { throw Terminal.fail(error, status: .unusable) }
        Terminal.printError("""
            kling-media: SIMULATION (\(reason)): this runs against the built-in simulator on \(simulator.baseURL). \
            Nothing is sent to Segmind or paid for, and each new shot is a generated test pattern. \
            \(reason == "--simulate" ? "Without --simulate" : "With SEGMIND_API_KEY set"), it makes real shots.
            """)
        // Generous: the simulator does not rate-limit unless asked to.
        let configuration = SegmindConfiguration(apiKey: APIKey(BuiltInSimulator.apiKey), apiBase: simulator.baseURL,
                                                 requestsPerMinute: 600, uploadURL: simulator.baseURL + "/upload-asset")
        do {
            let session = try Session.open(configuration, folders: .within(simulator.outputDirectory)) { notices.print($0) }
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
