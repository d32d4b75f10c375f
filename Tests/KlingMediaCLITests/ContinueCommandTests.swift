import Foundation
import TestSupport
import Testing

/// `continue`, `resume` and `batch` end to end: the built binaries against the simulator in its own
/// process, their exit statuses and output, killed processes finished by another run.
@Suite struct ContinueCommandTests {
    typealias Sandbox = JobCommandTests.Sandbox

    private let prompt = "Based on @Video1, generate the next shot. The man from @Image1 drives fast"

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Starts `kling-media ARGS` and kills it (SIGKILL: no chance to tidy up) once `ready` holds.
    private func killed(_ arguments: [String], sandbox: Sandbox, when ready: () async throws -> Bool) async throws {
        let process = try RunningProcess(KlingMediaBinary.path, arguments, environment: sandbox.environment)
        try await eventually("\(arguments) to be ready to kill") {
            guard process.isRunning else { throw WaitedInVain(what: "\(arguments) ended before it was killed", seconds: 0) }
            return try await ready()
        }
        process.signal(SIGKILL)
        _ = try await process.finish()
    }

    @Test func withNoKeyItRunsTheWholeJobAgainstTheBuiltInSimulatorAndSaysSo() async throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-continue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path]
        let output = folder.appendingPathComponent("landscape+next.mp4").path
        let result = try await KlingMediaBinary.run(["continue", Fixtures.path("landscape.mp4"), "--refs", Fixtures.path("ref_ok.png"),
                                                     "--prompt", prompt, "-o", output, "--json"], environment: environment)
        #expect(result.status == 0, "\(result.standardError)")
        // With --json, standard error is JSON lines, the simulation's announcement first.
        let said = try result.standardError.split(separator: "\n").map { try json(String($0)) }
        #expect(said.first?["notice"] as? String == "simulation" && (said.first?["base_url"] as? String ?? "").hasPrefix("http://127.0.0.1:"))
        #expect((said.first?["message"] as? String ?? "").hasPrefix("SIMULATION (no SEGMIND_API_KEY is set): this runs against the built-in simulator on http://127.0.0.1:"))
        let report = try json(result.standardOutput)
        #expect(report["simulated"] as? Bool == true && report["output"] as? String == output)
        let shots = try #require(report["shots"] as? [[String: Any]])
        #expect(shots.first?["path"] as? String == folder.appendingPathComponent("landscape+next.shot1.mp4").path)
        let facts = try await DecodeReport(path: output)
        #expect(facts.video?.decodedFrames == 240 && facts.decodeErrors == "")
        // The simulation keeps its own journal, beside the real one, which it never touches.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".local/state/kling-media/jobs").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(".local/state/kling-media/simulation/jobs").path)
            .contains { $0.hasSuffix(".json") })
    }

    @Test func invalidInputExitsOneWithTheVerdictAndSendsNothing() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let result = try await sandbox.run(["continue", Fixtures.path("too_short.mp4"), "--refs", Fixtures.path("ref_ok.png"), "--prompt", prompt])
        #expect(result.status == 1)
        // Standard output is for results: the verdict is the story, on standard error.
        #expect(result.standardOutput == "")
        #expect(result.standardError.hasPrefix("\(Fixtures.path("too_short.mp4")): INVALID for Kling O1: 1 error"))
        // Re-encoding cannot lengthen a clip: --conform is not offered for it.
        #expect(!result.standardError.contains("--conform"))
        #expect(try await sandbox.simulator.control.log().isEmpty)
        // A clip only --conform can fix is told so.
        let fixable = try await sandbox.run(["continue", Fixtures.path("low_fps.mp4"), "--prompt", "Based on @Video1, go on"])
        #expect(fixable.status == 1 && fixable.standardOutput == "")
        #expect(fixable.standardError.contains("--conform fixes the clip before sending"))
    }

    @Test func aProcessKilledMidPollIsFinishedByWaitWithTheStitchedResult() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = sandbox.home.path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/shot.mp4")
        try await sandbox.simulator.control.hold(true)
        try await killed(["continue", folder + "/shot.mp4", "--prompt", "Based on @Video1, go on"], sandbox: sandbox) {
            try await sandbox.simulator.control.count("GET", "/v2/requests/") > 0
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/shot+next.mp4"))
        try await sandbox.simulator.control.hold(false)
        let jobs = try await sandbox.run(["jobs", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(jobs.standardOutput.utf8)) as? [[String: Any]])
        let id = try #require(list.first?["request_id"] as? String)
        let waited = try await sandbox.run(["wait", String(id.prefix(8))])
        #expect(waited.status == 0, "\(waited.standardError)")
        #expect(waited.standardOutput == folder + "/shot+next.mp4\n")
        #expect(waited.standardError.contains("shot 1 of 1: job \(id) was submitted earlier; waiting for it"))
        let facts = try await DecodeReport(path: folder + "/shot+next.mp4")
        #expect(facts.video?.decodedFrames == 240 && facts.decodeErrors == "")
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1)
        // The key never reaches the journal, nor any host but the API's (outputs are on "localhost").
        #expect(!(try sandbox.journalText().contains(SimulatorProcess.key)))
        #expect(try await sandbox.simulator.control.log().allSatisfy { ($0["host"] as? String ?? "").hasPrefix("127.0.0.1") || $0["sent_api_key"] as? Bool == false })
        // The same command again: done, nothing submitted.
        let again = try await sandbox.run(["continue", folder + "/shot.mp4", "--prompt", "Based on @Video1, go on", "--verbose"])
        #expect(again.status == 0 && again.standardError.contains("already done: \(folder)/shot+next.mp4"))
        // --verbose says the budget it starts with, and where it is shared (the state folder, not the key).
        #expect(again.standardError.contains("request budget for this key: 600 requests a minute, as configured"), "\(again.standardError)")
        #expect(again.standardError.contains("shared by every kling-media using the key through \(sandbox.home.path)/state/kling-media/request-budgets/"))
        #expect(!again.standardError.contains(SimulatorProcess.key))
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1)
    }

    @Test func interruptedContinueSaysHowToResumeAndResumeFinishesIt() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        try await sandbox.simulator.control.hold(true)
        let process = try RunningProcess(KlingMediaBinary.path, ["continue", Fixtures.path("landscape.mp4"), "--prompt", "Based on @Video1, go on",
                                                                 "--no-stitch", "-o", sandbox.home.appendingPathComponent("next.mp4").path],
                                         environment: sandbox.environment)
        try await eventually("a poll") { try await sandbox.simulator.control.count("GET", "/v2/requests/") > 0 }
        process.signal(SIGINT)
        let result = try await process.finish()
        let text = result.standardError
        #expect(result.status == 130)
        #expect(text.contains("goes on at Segmind; `kling-media wait "))
        try await sandbox.simulator.control.hold(false)
        let resumed = try await sandbox.run(["resume", "--json"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let outcomes = try #require(try JSONSerialization.jsonObject(with: Data(resumed.standardOutput.utf8)) as? [[String: Any]])
        #expect(outcomes.count == 1 && (outcomes[0]["shots"] as? [[String: Any]])?.first?["path"] as? String
                == sandbox.home.appendingPathComponent("next.mp4").path)
        let nothing = try await sandbox.run(["resume"])
        #expect(nothing.status == 0 && nothing.standardError.contains("nothing to resume"))
    }

    @Test func aBlockedJobExitsThreeAndAnExpiredOneSix() async throws {
        // Two simulators: one whose records live an hour (a loaded machine may poll late, the verdict still
        // waits), one whose records live 3 s and whose job is held, so its record is gone by a poll.
        let lasting = try await Sandbox()
        defer { lasting.close() }
        let blocked = try await lasting.run(["continue", Fixtures.path("landscape.mp4"), "--prompt", "Based on @Video1 [blocked]", "--no-stitch",
                                             "-o", lasting.home.appendingPathComponent("a.mp4").path])
        #expect(blocked.status == 3, "\(blocked.standardError)")
        #expect(blocked.standardError.contains("FAILED: Content blocked"))
        let shortLived = try await Sandbox(simulatorArguments: ["--queue", "0.2", "--latency", "1", "--lifetime", "3"])
        defer { shortLived.close() }
        try await shortLived.simulator.control.hold(true)
        let expired = try await shortLived.run(["continue", Fixtures.path("landscape.mp4"), "--prompt", "Based on @Video1, go on", "--no-stitch",
                                                "-o", shortLived.home.appendingPathComponent("b.mp4").path])
        #expect(expired.status == 6, "\(expired.standardError)")
    }

    @Test func dryRunPrintsTheRequestBodyAndTouchesNothing() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let result = try await sandbox.run(["continue", Fixtures.path("rotated.mp4"), "--refs", Fixtures.path("ref_ok.png"),
                                            "--prompt", prompt, "--duration", "10", "--dry-run", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try json(result.standardOutput)
        let body = try #require(report["request_body"] as? [String: Any])
        // A phone clip stored 1280×720 and turned 90°: 9:16 as displayed.
        #expect(body["aspect_ratio"] as? String == "9:16" && body["duration"] as? String == "10")
        #expect(body["video_url"] as? String == Fixtures.path("rotated.mp4") && body["image_urls"] as? [String] == [Fixtures.path("ref_ok.png")])
        #expect(report["generated_seconds"] as? Double == 10 && report["stitched_seconds"] as? Double == 14)
        #expect(try await sandbox.simulator.control.log().isEmpty)
    }

    /// A clip whose sound runs 0.4 s past its 10 s of picture is 10.4 s long as a file, which is what
    /// the duration rule checks (and the end is trimmed for): the check's line says that length, not
    /// the picture's ("10 s; valid" above a trim would contradict itself).
    @Test func aClipIsToldAtTheLengthItsDurationIsCheckedOn() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let clip = try Scratch.file("sound-runs-on.mp4", in: "kling-continue")
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=10",
                                                          "-f", "lavfi", "-i", "sine=duration=10.4", "-c:v", "libx264", "-preset", "ultrafast",
                                                          "-c:a", "aac", clip])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        let lengths = try await FFprobeReport(path: clip)
        let picture = try #require(lengths.streams.first { $0["codec_type"] as? String == "video" }.flatMap { FFprobeReport.number($0["duration"]) })
        let file = try #require(FFprobeReport.number(lengths.format["duration"]))
        #expect(abs(picture - 10) < 0.01 && abs(file - 10.4) < 0.03, "ffprobe: picture \(picture) s, file \(file) s")

        let result = try await sandbox.run(["continue", clip, "--prompt", "Based on @Video1, generate the next shot", "--dry-run"])
        #expect(result.status == 0, "\(result.standardError)")
        let told = result.standardOutput + result.standardError
        let checked = try #require(told.split(separator: "\n").first { $0.hasPrefix("checked ") }, "\(told)")
        #expect(checked.contains(": 10.4") && checked.contains(" s, 1280×720: over the 10.05 s limit; its last 10 s will be sent"), "\(checked)")
    }

    /// An HDR clip (HLG, as an iPhone records) is valid as it is, but is sent re-encoded, tone-mapped
    /// to standard range: the model continues the colours the stitch will show. Said before anything goes.
    @Test func anHDRClipIsSentToneMappedAndSaysSo() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let clip = try Scratch.file("hlg.mp4", in: "kling-continue")
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=4",
                                                          "-vf", "format=yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast",
                                                          // In the stream's own header too: FFmpeg 7 takes a filtered
                                                          // picture's colour tags from its frames, not from -color_trc.
                                                          "-x265-params", "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc",
                                                          "-color_primaries", "bt2020",
                                                          "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc", clip])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        let result = try await sandbox.run(["continue", clip, "--prompt", "Based on @Video1, generate the next shot", "--dry-run"])
        #expect(result.status == 0, "\(result.standardError)")
        let told = result.standardOutput + result.standardError
        #expect(told.contains("warning: the clip is HDR (HLG); the model makes standard-range shots"), "\(told)")
        #expect(told.contains("the clip will be re-encoded before sending: upright, square pixels, H.264, tone-mapped from HDR (HLG) to standard range"),
                "\(told)")
        let validated = try await sandbox.run(["validate", clip, "--prompt", "Based on @Video1, generate the next shot", "--json"])
        #expect(validated.status == 0 && validated.standardOutput.contains("\"code\" : \"high_dynamic_range\""), "\(validated.standardOutput)")
    }

    @Test func aBatchKilledMidRunGoesOnWithoutSubmittingAnythingTwice() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = sandbox.home.path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/scene.mp4")
        try FileManager.default.copyItem(atPath: Fixtures.path("ref_ok.png"), toPath: folder + "/hero.png")
        let lines = (1...6).map { #"{"clip": "scene.mp4", "refs": ["hero.png"], "prompt": "Based on @Video1, take \#($0) of @Image1", "no_stitch": true, "output": "take\#($0).mp4"}"# }
        try lines.joined(separator: "\n").write(toFile: folder + "/takes.jsonl", atomically: true, encoding: .utf8)
        try await sandbox.simulator.control.hold(true)
        // Killed once three jobs are journalled with their request ids. (Killed between a POST and
        // its journal entry, a job's fate is unknown, and the rerun rightly refuses to guess.)
        try await killed(["batch", folder + "/takes.jsonl", "--concurrency", "3"], sandbox: sandbox) {
            try sandbox.journalText().components(separatedBy: "\"request_id\"").count - 1 == 3
        }
        try await sandbox.simulator.control.hold(false)
        let rerun = try await sandbox.run(["batch", folder + "/takes.jsonl", "--concurrency", "3"])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(rerun.standardOutput.hasSuffix("6 of 6 done\n"))
        #expect(rerun.standardOutput.hasPrefix("LINE  CLIP       RESULT  REQUEST IDS"))
        // Three submitted before the kill, waited for after it; three more: six jobs, two uploads.
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 6)
        #expect(try await sandbox.simulator.control.count("POST", "/upload-asset") == 2)
        for take in 1...6 { #expect(FileManager.default.fileExists(atPath: folder + "/take\(take).mp4")) }
    }

    /// `count` batch lines (one clip, no stitch, `takeN.mp4` each) in `takes.jsonl` in the sandbox's
    /// home, which is returned.
    private func takes(_ count: Int, in sandbox: Sandbox) throws -> String {
        let folder = sandbox.home.path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/scene.mp4")
        let lines = (1...count).map { #"{"clip": "scene.mp4", "prompt": "Based on @Video1, take \#($0)", "no_stitch": true, "output": "take\#($0).mp4"}"# }
        try lines.joined(separator: "\n").write(toFile: folder + "/takes.jsonl", atomically: true, encoding: .utf8)
        return folder
    }

    /// With `--json`, standard error is a stream of JSON lines a script can follow: every line
    /// parses, each pipeline event says which batch line it belongs to, and the client's notices
    /// (a 429's wait, a retry) are JSON too, not sentences among them.
    @Test func aBatchsJSONStreamNamesTheLineOfEveryEventAndHoldsOnlyJSON() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = try takes(2, in: sandbox)
        try await sandbox.simulator.control.rateLimit(1, resettingAfter: 1, path: "/v2/kling")
        try await sandbox.simulator.control.fail(1, with: 502, path: "/v2/requests/")
        let result = try await sandbox.run(["batch", folder + "/takes.jsonl", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let objects = try result.standardError.split(separator: "\n").map { line in
            try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
        let events = objects.filter { $0["event"] as? String != "notice" }
        let saved = events.filter { $0["event"] as? String == "saved" }.compactMap { $0["line"] as? Int }
        #expect(saved.sorted() == [1, 2], "\(events)")
        for event in events { #expect([1, 2].contains(event["line"] as? Int ?? 0), "no line: \(event)") }
        let notices = objects.filter { $0["event"] as? String == "notice" }
        let limited = try #require(notices.first { $0["notice"] as? String == "rate_limited" }, "\(objects)")
        #expect((limited["message"] as? String ?? "").hasPrefix("Segmind answered 429 (rate limited): waiting until"))
        #expect((limited["until"] as? String ?? "").hasPrefix("20") && limited["seconds"] is Double)
        let retry = try #require(notices.first { $0["notice"] as? String == "retrying" }, "\(objects)")
        #expect(retry["attempt"] as? Int == 2 && (retry["reason"] as? String ?? "").contains("502"), "\(retry)")
    }

    /// A line that ends not done is said when it ends, in words or (with `--json`) as a JSON line,
    /// not only in the table at the end: in a batch of hours, a failure early on is seen then.
    @Test func aBatchLineNotDoneIsSaidWhenItEnds() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = try takes(1, in: sandbox)
        let blocked = #"{"clip": "scene.mp4", "prompt": "Based on @Video1, [blocked] take 2", "no_stitch": true, "output": "take2.mp4"}"#
        try (String(contentsOfFile: folder + "/takes.jsonl", encoding: .utf8) + "\n" + blocked)
            .write(toFile: folder + "/takes.jsonl", atomically: true, encoding: .utf8)
        let text = try await sandbox.run(["batch", folder + "/takes.jsonl"])
        #expect(text.status == 3, "\(text.standardError)")
        #expect(text.standardError.contains("[line 2] not done (failed): shot 1: job "), "\(text.standardError)")
        let json = try await sandbox.run(["batch", folder + "/takes.jsonl", "--json", "--retry-failed"])
        let events = json.standardError.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let notDone = try #require(events.first { $0["event"] as? String == "line_not_done" }, "\(json.standardError)")
        #expect(notDone["line"] as? Int == 2 && notDone["state"] as? String == "failed" && notDone["exit_status"] as? Int == 3, "\(notDone)")
        #expect((notDone["error"] as? String ?? "").contains(" FAILED: Content blocked"), "\(notDone)")
    }

    /// Requests refused together name one reset: the pause is said once, not once per 429 (nor
    /// once per request waiting for it).
    @Test func aPauseThatSeveralRequestsMeetIsSaidOnce() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = try takes(3, in: sandbox)
        // The three submissions (sent together once their shared upload is done) are answered 3 s
        // after they arrive, all 429 with a reset 2 s after that.
        try await sandbox.simulator.control.rateLimit(3, resettingAfter: 2, path: "/v2/kling", answeredAfter: 3)
        let result = try await sandbox.run(["batch", folder + "/takes.jsonl", "--concurrency", "3"])
        #expect(result.status == 0, "\(result.standardError)")
        let refused = try await sandbox.simulator.control.requests("POST", "/v2/kling").filter { $0["status"] as? Int == 429 }
        let arrivals = refused.compactMap { $0["arrived"] as? Double }.sorted()
        #expect(arrivals.count == 3)
        try #require(zip(arrivals, arrivals.dropFirst()).contains { $1 - $0 < 1 },
                     "the submissions were not in flight together (\(arrivals)): nothing to fold")
        let said = result.standardError.split(separator: "\n").filter { $0.contains("Segmind answered 429 (rate limited): waiting until ") }
        let untils = said.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("20") }.flatMap { try? Date($0.description, strategy: .iso8601) }
        }.sorted()
        #expect(untils.count == said.count && !said.isEmpty, "\(said)")
        for (earlier, later) in zip(untils, untils.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 1, "one pause said twice: \(said)")
        }
    }

    /// `continue` with the POST's answer held at the simulator, interrupted once the POST is there;
    /// with one Ctrl-C, the answer is let go once it says it waits for it.
    private func interruptedMidSubmit(_ sandbox: Sandbox, signals: Int, by number: Int32 = SIGINT) async throws -> ProcessResult {
        let folder = sandbox.home.path
        if !FileManager.default.fileExists(atPath: folder + "/shot.mp4") {
            try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/shot.mp4")
        }
        try await sandbox.simulator.control.holdAnswers(true)
        let process = try RunningProcess(KlingMediaBinary.path, ["continue", folder + "/shot.mp4", "--prompt", "Based on @Video1, go on"],
                                         environment: sandbox.environment)
        try await eventually("the POST at the simulator") { try await sandbox.simulator.control.count("POST", "/v2/kling") == 1 }
        process.signal(number)
        try await eventually("the message that it waits for the answer") { process.standardErrorSoFar.contains("waiting for Segmind's answer") || !process.isRunning }
        if signals > 1 { process.signal(number) }
        let result: ProcessResult
        if signals > 1 {
            result = try await process.finish()
            try await sandbox.simulator.control.holdAnswers(false)
        } else {
            try await sandbox.simulator.control.holdAnswers(false)
            result = try await process.finish()
        }
        return result
    }

    @Test func ctrlCDuringTheSubmitWaitsForTheAnswerThenExits130AndARerunPaysNothingMore() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let interrupted = try await interruptedMidSubmit(sandbox, signals: 1)
        #expect(interrupted.status == 130, "\(interrupted.standardError)")
        #expect(interrupted.standardError.contains("waiting for Segmind's answer so the job is not lost; Ctrl-C again to stop waiting"))
        let id = try #require(try sandbox.journalText().firstMatch(of: /"request_id" : "([0-9a-f-]+)"/).map { String($0.output.1) })
        #expect(interrupted.standardError.contains("`kling-media wait \(id)`"))
        let rerun = try await sandbox.run(["continue", sandbox.home.path + "/shot.mp4", "--prompt", "Based on @Video1, go on"])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(rerun.standardError.contains("job \(id) was submitted earlier; waiting for it"))
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1)
    }

    /// `kling-media continue … 2>&1 | tee run.log`, Ctrl-C while the POST is out: the same Ctrl-C
    /// ends `tee`, so the message that it waits for the answer goes to a pipe nobody reads. That
    /// write used to kill the run (SIGPIPE) before the answer came, and the request id with it;
    /// now the write fails quietly, the answer is waited for and journalled, and a rerun pays nothing.
    @Test func aReaderThatGoesAwayDoesNotCostTheRequestID() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = sandbox.home.path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/shot.mp4")
        try await sandbox.simulator.control.holdAnswers(true)
        // The run writes into a named pipe this shell reads until the upload is said, then stops
        // reading when the test says (the POST is at the simulator) and waits for the run's end.
        // Started with `&`, it would have SIGINT ignored (a shell without job control does that);
        // `env` gives it back, as a pipeline in an interactive shell's foreground has it.
        let script = #"""
            mkfifo "$2/out"
            env --default-signal=INT "$0" continue "$1" --prompt "Based on @Video1, go on" >"$2/out" 2>&1 &
            pid=$!
            exec 3<"$2/out"
            while IFS= read -r line <&3; do case "$line" in *"uploaded "*) break;; esac; done
            echo "pid $pid"
            until [ -e "$2/go" ]; do sleep 0.05; done
            exec 3<&-
            echo "closed"
            wait $pid
            echo "status $?"
            """#
        let shell = try RunningProcess("sh", ["-c", script, KlingMediaBinary.path, folder + "/shot.mp4", folder], environment: sandbox.environment)
        try await eventually("the upload said") { shell.standardOutputSoFar.contains("pid ") || !shell.isRunning }
        let pid = try #require(shell.standardOutputSoFar.firstMatch(of: /pid ([0-9]+)/).flatMap { Int32($0.output.1) }, "\(shell.standardOutputSoFar)")
        try await eventually("the POST at the simulator") { try await sandbox.simulator.control.count("POST", "/v2/kling") == 1 }
        FileManager.default.createFile(atPath: folder + "/go", contents: nil)
        try await eventually("the reader gone") { shell.standardOutputSoFar.contains("closed") }
        kill(pid, SIGINT)
        try await sandbox.simulator.control.holdAnswers(false)
        let result = try await shell.finish()
        #expect(result.standardOutput.contains("status 130"), "\(result.standardOutput)")
        let id = try #require(try sandbox.journalText().firstMatch(of: /"request_id" : "([0-9a-f-]+)"/).map { String($0.output.1) },
                              "the request id was journalled")
        let rerun = try await sandbox.run(["continue", folder + "/shot.mp4", "--prompt", "Based on @Video1, go on"])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(rerun.standardError.contains("job \(id) was submitted earlier; waiting for it"), "\(rerun.standardError)")
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1)
    }

    /// The terminal closed (or the SSH session dropped) while the POST is out: SIGHUP is taken as
    /// Ctrl-C is, the answer waited for and journalled. By default it ended the run there.
    @Test func aHangUpDuringTheSubmitWaitsForTheAnswerToo() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let hungUp = try await interruptedMidSubmit(sandbox, signals: 1, by: SIGHUP)
        #expect(hungUp.status == 130, "\(hungUp.standardError)")
        let id = try #require(try sandbox.journalText().firstMatch(of: /"request_id" : "([0-9a-f-]+)"/).map { String($0.output.1) },
                              "the request id was journalled: \(hungUp.standardError)")
        #expect(hungUp.standardError.contains("`kling-media wait \(id)`"))
    }

    /// A run started with the signal ignored keeps it ignored: `nohup` ignores SIGHUP so that a
    /// batch outlives the terminal, and a script's `&` ignores SIGINT so that a Ctrl-C meant for
    /// the foreground leaves the job be. Sent while the job is at Segmind, the run goes on to save it.
    @Test(arguments: [("HUP", SIGHUP), ("INT", SIGINT)])
    func aSignalTheRunWasStartedIgnoringStaysIgnored(name: String, number: Int32) async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = sandbox.home.path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/shot.mp4")
        try await sandbox.simulator.control.hold(true)
        let process = try RunningProcess("sh", ["-c", #"trap "" \#(name); exec "$0" continue "$1" --prompt "Based on @Video1, go on""#,
                                                KlingMediaBinary.path, folder + "/shot.mp4"], environment: sandbox.environment)
        try await eventually("the job submitted") { process.standardErrorSoFar.contains("request id") || !process.isRunning }
        process.signal(number)
        try await sandbox.simulator.control.hold(false)
        let result = try await process.finish()
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("shot 1 of 1: saved "), "\(result.standardError)")
    }

    @Test func aSecondCtrlCExitsFiveAndARerunRefusesWithoutResubmit() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let interrupted = try await interruptedMidSubmit(sandbox, signals: 2)
        #expect(interrupted.status == 5, "\(interrupted.standardError)")
        #expect(interrupted.standardError.contains("never got a usable answer"))
        let rerun = try await sandbox.run(["continue", sandbox.home.path + "/shot.mp4", "--prompt", "Based on @Video1, go on"])
        #expect(rerun.status == 5)
        #expect(rerun.standardError.contains("--resubmit"))
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1)
    }

    @Test func submitInterruptedMidPOSTPrintsTheIDItGotAndExits130() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        try await sandbox.simulator.control.holdAnswers(true)
        let process = try RunningProcess(KlingMediaBinary.path, ["submit", "--video-url", "https://example.com/shot.mp4",
                                                                 "--prompt", "Based on @Video1, go on"], environment: sandbox.environment)
        try await eventually("the POST at the simulator") { try await sandbox.simulator.control.count("POST", "/v2/kling") == 1 }
        process.signal(SIGINT)
        try await eventually("the message that it waits for the answer") { process.standardErrorSoFar.contains("waiting for Segmind's answer") }
        try await sandbox.simulator.control.holdAnswers(false)
        let result = try await process.finish()
        #expect(result.status == 130, "\(result.standardError)")
        let id = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36)
        #expect(result.standardError.contains("`kling-media wait \(id)`"))
        #expect(try sandbox.journalText().contains("\"request_id\" : \"\(id)\""))
    }
}
