import Foundation
import TestSupport
import Testing

/// submit, status, wait and jobs end to end, against `kling-media-simulator` in its own process.
@Suite struct JobCommandTests {
    /// A private home for one test: its own journal and config folders, the simulator's address.
    struct Sandbox {
        let simulator: SimulatorProcess
        let home: URL
        var environment: [String: String]

        init(simulatorArguments: [String] = ["--queue", "0.2", "--latency", "1"]) async throws {
            simulator = try await SimulatorProcess(arguments: simulatorArguments)
            home = Scratch.temporary.appendingPathComponent("kling-home-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            environment = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "HOME": home.path,
                "XDG_STATE_HOME": home.appendingPathComponent("state").path,
                "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
                "SEGMIND_API_BASE": simulator.baseURL,
                "SEGMIND_API_KEY": SimulatorProcess.key,
                "SEGMIND_REQUESTS_PER_MINUTE": "600",
                "SEGMIND_UPLOAD_URL": simulator.baseURL + "/upload-asset",
                "XDG_CACHE_HOME": home.appendingPathComponent("cache").path,
            ]
        }

        func run(_ arguments: [String]) async throws -> ProcessResult {
            try await KlingMediaBinary.run(arguments, environment: environment)
        }

        func submit(_ extra: [String] = []) async throws -> String {
            let result = try await run(["submit", "--video-url", "https://example.com/shot.mp4",
                                  "--prompt", "Based on @Video1, generate the next shot"] + extra)
            #expect(result.status == 0, "\(result.standardError)")
            return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Every byte the tool wrote where a user or a script could read it: journal files.
        func journalText() throws -> String {
            let folder = home.appendingPathComponent("state/kling-media/jobs")
            guard FileManager.default.fileExists(atPath: folder.path) else { return "" }
            return try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
                .map { try String(contentsOfFile: folder.appendingPathComponent($0).path, encoding: .utf8) }
                .joined(separator: "\n")
        }

        func close() {
            simulator.stop()
            try? FileManager.default.removeItem(at: home)
        }
    }

    @Test func submitThenWaitSavesTheGeneratedClip() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let id = try await sandbox.submit(["--aspect", "1:1", "--duration", "10"])
        let output = sandbox.home.appendingPathComponent("next.mp4").path
        let waited = try await sandbox.run(["wait", id, "-o", output])
        #expect(waited.status == 0, "\(waited.standardError)")
        #expect(waited.standardOutput == output + "\n")
        let oracle = try await FFprobeReport(path: output)
        #expect(FFprobeReport.number(oracle.format["duration"]) == 10.0)
        #expect(oracle.streams.first?["width"] as? Int == 960 && oracle.streams.first?["height"] as? Int == 960)
        let jobs = try await sandbox.run(["jobs", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(jobs.standardOutput.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list[0]["request_id"] as? String == id)
        #expect(list[0]["state"] as? String == "downloaded")
        #expect(list[0]["output_path"] as? String == output)
    }

    @Test func waitKilledMidPollIsFinishedByAnotherWait() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        try await sandbox.simulator.control.hold(true)
        let id = try await sandbox.submit()
        let output = sandbox.home.appendingPathComponent("resumed.mp4").path
        let first = try RunningProcess(KlingMediaBinary.path, ["wait", id, "-o", output], environment: sandbox.environment)
        // Killed as soon as it has polled once: mid-wait, while the job is held unfinished.
        try await eventually("a poll") { try await sandbox.simulator.control.count("GET", "/v2/requests/\(id)") > 0 }
        first.signal(SIGKILL)
        _ = try await first.finish()
        #expect(!FileManager.default.fileExists(atPath: output))
        try await sandbox.simulator.control.hold(false)
        let second = try await sandbox.run(["wait", String(id.prefix(8))])
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput == output + "\n")
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test func interruptedWaitSaysHowToResume() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        // Held unfinished, so only the Ctrl-C can end the wait.
        try await sandbox.simulator.control.hold(true)
        let id = try await sandbox.submit()
        let process = try RunningProcess(KlingMediaBinary.path, ["wait", id], environment: sandbox.environment)
        // Interrupted once it is waiting (it has polled), not while it is still starting up.
        try await eventually("a poll") { try await sandbox.simulator.control.count("GET", "/v2/requests/\(id)") > 0 }
        process.signal(SIGINT)
        let result = try await process.finish()
        let text = result.standardError
        #expect(result.status == 130)
        #expect(text.contains("goes on at Segmind; `kling-media wait \(id)` finishes it"))
    }

    @Test func anIDThatIsNotARequestIDIsRefusedBeforeAnythingIsAskedOrWritten() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        for command in [["wait", "../../x"], ["status", "../../x"], ["wait", "a/b", "-o", sandbox.home.path + "/x.mp4"]] {
            let result = try await sandbox.run(command)
            #expect(result.status == 2, "\(command): \(result.standardError)")
            #expect(result.standardError.contains("is not a request id (letters, digits and -, at most 64)"))
        }
        #expect(try await sandbox.simulator.control.log().isEmpty)
        #expect(try sandbox.journalText() == "")
        #expect(!FileManager.default.fileExists(atPath: sandbox.home.path + "/x.mp4"))
    }

    @Test func theStateFolderIsMadePrivateWhenOpened() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = sandbox.home.appendingPathComponent("state/kling-media/jobs").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let result = try await sandbox.run(["jobs"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int == 0o700)
    }

    @Test func aRateLimitLongerThanTheTimeoutStopsNamingItsReset() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let id = try await sandbox.submit()
        try await sandbox.simulator.control.rateLimit(1, resettingAfter: 3600, path: "/v2/requests/")
        let started = ContinuousClock.now
        let result = try await sandbox.run(["wait", id, "--timeout", "30"])
        #expect(result.status == 5)
        #expect(result.standardError.contains("rate-limited by Segmind (429: Simulated 429) until 20"))
        #expect(result.standardError.contains("longer than this command waits (--timeout, or 15 minutes)"))
        // Stopped at once, not after the 30 s it was allowed (a busy machine takes a while to start it).
        #expect(started.duration(to: .now) < .seconds(28))
    }

    @Test func aRateLimitWaitIsSaidOnStandardError() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let id = try await sandbox.submit()
        try await sandbox.simulator.control.rateLimit(1, resettingAfter: 1, path: "/v2/requests/")
        try await sandbox.simulator.control.fail(1, with: 502, path: "/v2/requests/")
        let result = try await sandbox.run(["status", id])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("kling-media: Segmind answered 429 (rate limited): waiting until 20"))
        #expect(result.standardError.contains("SEGMIND_REQUESTS_PER_MINUTE sets this machine's budget"))
        #expect(result.standardError.contains("kling-media: Segmind answered 502 (Simulated 502); trying again in "))
    }

    @Test func plainHTTPToAnotherMachineIsRefused() async throws {
        var sandbox = try await Sandbox()
        defer { sandbox.close() }
        sandbox.environment["SEGMIND_API_BASE"] = "http://api.segmind.com"
        let result = try await sandbox.run(["status", "0123"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("plain http would send the API key in clear text"))
    }

    @Test func contentBlockedJobExitsThreeWithTheReason() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let result = try await sandbox.run(["submit", "--video-url", "https://example.com/a.mp4",
                                      "--prompt", "Based on @Video1 [blocked]"])
        let id = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let waited = try await sandbox.run(["wait", id])
        #expect(waited.status == 3)
        #expect(waited.standardError.contains("job \(id) FAILED: Content blocked"))
        let status = try await sandbox.run(["status", id, "--json"])
        #expect(status.status == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        #expect(report["status"] as? String == "FAILED")
    }

    @Test func expiredRequestExitsSix() async throws {
        let sandbox = try await Sandbox(simulatorArguments: ["--lifetime", "0.5", "--latency", "30"])
        defer { sandbox.close() }
        let id = try await sandbox.submit()
        try await Task.sleep(for: .seconds(1))
        let status = try await sandbox.run(["status", id])
        #expect(status.status == 6)
        #expect(status.standardError.contains("is unknown or expired (404"))
    }

    @Test func mistypedIDLeavesNoRecordBehind() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let status = try await sandbox.run(["status", "00000000-no-such-job"])
        #expect(status.status == 6)
        let waited = try await sandbox.run(["wait", "00000000-no-such-job"])
        #expect(waited.status == 6)
        let jobs = try await sandbox.run(["jobs", "--json"])
        #expect(jobs.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]"
                || jobs.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func noKeyExitsTwoAndSaysWhatToSet() async throws {
        var sandbox = try await Sandbox()
        defer { sandbox.close() }
        sandbox.environment["SEGMIND_API_KEY"] = nil
        let result = try await sandbox.run(["submit", "--video-url", "https://e.x/a.mp4", "--prompt", "Based on @Video1"])
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("kling-media: no API key: set SEGMIND_API_KEY"))
        #expect(try await sandbox.simulator.control.log().isEmpty)
    }

    @Test func configFileOthersCanReadIsRefused() async throws {
        var sandbox = try await Sandbox()
        defer { sandbox.close() }
        sandbox.environment["SEGMIND_API_KEY"] = nil
        let folder = sandbox.home.appendingPathComponent("config/kling-media")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("config.json")
        try Data("{\"api_key\": \"\(SimulatorProcess.key)\"}".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let result = try await sandbox.run(["jobs"])
        #expect(result.status == 0)
        let submit = try await sandbox.run(["submit", "--video-url", "https://e.x/a.mp4", "--prompt", "Based on @Video1"])
        #expect(submit.status == 2)
        #expect(submit.standardError == "kling-media: \(file.path) holds an API key but others can read it (mode 644); run `chmod 600 \(file.path)`\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        #expect(try await sandbox.run(["submit", "--video-url", "https://e.x/a.mp4", "--prompt", "Based on @Video1"]).status == 0)
    }

    @Test func theKeyAppearsNowhereButInTheAPIsHeaders() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        var outputs: [ProcessResult] = []
        let submitted = try await sandbox.run(["submit", "--video-url", "https://e.x/a.mp4", "--prompt", "Based on @Video1", "--json"])
        outputs.append(submitted)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(submitted.standardOutput.utf8)) as? [String: Any])
        let id = try #require(report["request_id"] as? String)
        for arguments in [["status", id], ["status", id, "--json"], ["wait", id, "-o", sandbox.home.appendingPathComponent("o.mp4").path],
                          ["jobs"], ["jobs", "--json"]] {
            outputs.append(try await sandbox.run(arguments))
        }
        #expect(outputs.allSatisfy { $0.status == 0 })
        for output in outputs {
            #expect(!output.standardOutput.contains(SimulatorProcess.key))
            #expect(!output.standardError.contains(SimulatorProcess.key))
        }
        #expect(!(try sandbox.journalText().contains(SimulatorProcess.key)))
        let log = try await sandbox.simulator.control.log()
        #expect(log.filter { ($0["path"] as? String ?? "").hasPrefix("/outputs/") }.allSatisfy { $0["sent_api_key"] as? Bool == false })
    }
}

@Suite struct SimulatorForwardingTests {
    @Test func simulatorHelpIsTheSimulatorsOwn() async throws {
        let result = try await KlingMediaBinary.run(["simulator", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: kling-media simulator"))
        #expect(result.standardOutput.contains("--port <port>"))
        #expect(result.standardOutput.contains("Jobs go QUEUED → PROCESSING → COMPLETED"))
    }
}
