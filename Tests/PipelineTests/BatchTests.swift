import Foundation
import MediaKit
import Pipeline
import TestSupport
import Testing

/// Batches against the simulator: many continuations at once in one process, nothing lost,
/// nothing uploaded or submitted twice; and the batch file's rules.
@Suite struct BatchTests {
    @Test func oneHundredJobsEightAtATimeAllCompleteWithNothingLost() async throws {
        try await PipelineHarness.with { harness in
            // A clip like the simulator's own shots (1280×720, 24 fps, H.264), so that each result
            // is a stream copy and the test measures the jobs, not x264.
            let clip = harness.folder.appendingPathComponent("scene.mp4").path
            try await offloaded { try SyntheticClip.write(to: clip, width: 1280, height: 720, seconds: 4) }
            let reference = try harness.copy("ref_ok.png")
            let lines = (1...100).map { number in
                BatchLine(number: number, request: ContinuationRequest(
                    source: clip, references: [reference], prompt: "Based on @Video1, take \(number) with @Image1",
                    output: harness.folder.appendingPathComponent("take\(number).mp4").path))
            }
            let runner = BatchRunner(session: harness.session, concurrency: 8)
            let results = await runner.run(lines, events: { _, _ in })
            let outcomes = results.compactMap { try? $0.outcome.get() }
            #expect(outcomes.count == 100)
            #expect(results.map(\.line.number) == Array(1...100))
            // One job per line, every request id distinct, every result on disk and journalled.
            #expect(try await harness.submissions() == 100)
            #expect(Set(outcomes.compactMap { $0.shots.first?.requestID }).count == 100)
            #expect(outcomes.allSatisfy { FileManager.default.fileExists(atPath: $0.output ?? "") })
            #expect(try harness.continuations.all().filter { $0.state == .done }.count == 100)
            #expect(try harness.journal.all().filter { $0.state == .downloaded }.count == 100)
            // The clip and the reference went up once each, however many lines used them at once.
            #expect(try await harness.control.count("POST", "/upload-asset") == 2)
            // A sample checked by ffmpeg: 4 s of clip and 5 s of shot at 24 fps.
            for take in [1, 50, 100] {
                let facts = try await DecodeReport(path: harness.folder.appendingPathComponent("take\(take).mp4").path)
                #expect(facts.video?.decodedFrames == 96 + 120 && facts.decodeErrors == "")
            }
            // The batch again: every line already done, nothing submitted.
            let again = await runner.run(lines, events: { _, _ in })
            #expect(again.allSatisfy { (try? $0.outcome.get())?.alreadyDone == true })
            #expect(try await harness.submissions() == 100)
        }
    }

    @Test func aBatchRidesOutTheServersRateLimitAcrossAllItsLines() async throws {
        // The server takes 10 requests per second; twelve lines at once ask for more. The client's
        // own budget is unlimited here, so 429s come, and each pauses every line until its reset.
        try await PipelineHarness.with({ $0.requestsPerMinute = 10; $0.rateWindowSeconds = 1 }) { harness in
            let clip = try harness.copy("landscape.mp4")
            let lines = (1...12).map { number in
                BatchLine(number: number, request: ContinuationRequest(source: clip, prompt: "Based on @Video1, take \(number)", stitch: false,
                                                                       output: harness.folder.appendingPathComponent("take\(number).mp4").path))
            }
            let runner = BatchRunner(session: harness.session, concurrency: 12)
            let results = await runner.run(lines, events: { _, _ in })
            // However many 429s a line meets in a row, it waits each out: none gives up.
            let failures = results.compactMap { result -> String? in
                if case .failure(let error) = result.outcome { return "line \(result.line.number): \(error)" }
                return nil
            }
            #expect(failures.isEmpty, "\(failures)")
            let log = try await harness.control.log()
            #expect(log.contains { $0["status"] as? Int == 429 })
            #expect(log.filter { $0["path"] as? String == "/v2/kling-o1-video-to-video-reference" && $0["status"] as? Int == 200 }.count == 12)
        }
    }

    @Test func twoContinuationsOfOneClipAtOnceNeverShareAFile() async throws {
        try await PipelineHarness.with { harness in
            let clip = try harness.copy("landscape.mp4")
            let lines = ["walks", "runs"].enumerated().map { number, verb in
                BatchLine(number: number + 1, request: ContinuationRequest(source: clip, prompt: "Based on @Video1, he \(verb)"))
            }
            let runner = BatchRunner(session: harness.session, concurrency: 2)
            let outcomes = await runner.run(lines, events: { _, _ in }).compactMap { try? $0.outcome.get() }
            let files = outcomes.flatMap { [$0.output ?? ""] + $0.shots.map(\.path) }.map { URL(fileURLWithPath: $0).lastPathComponent }
            #expect(Set(files) == ["landscape+next.mp4", "landscape+next.shot1.mp4", "landscape+next-2.mp4", "landscape+next-2.shot1.mp4"])
            // Each, run again, finds its own result.
            for (line, outcome) in zip(lines, outcomes) {
                let again = try await harness.runner().start(line.request)
                #expect(again.alreadyDone && again.output == outcome.output)
            }
        }
    }

    @Test func aBatchFileIsReadWholeAndEveryFaultNamed() throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.jsonl").path
        try """
            # takes for scene 1
            {"clip": "scene.mp4", "refs": ["hero.png", "https://example.com/car.png"], "prompt": "Based on @Video1", "duration": "10", "keep_audio": true}

            {"clip": "/abs/scene.mp4", "prompt": "Based on @Video1", "no_stitch": true, "output": "shot.mp4", "shots": 2, "tail": 6}
            {"clip": "edit.mp4", "prompt": "Based on @Video1", "tail": "shot"}
            """.write(toFile: good, atomically: true, encoding: .utf8)
        let lines = try BatchFile.read(good)
        #expect(lines.map(\.number) == [2, 4, 5])
        #expect(lines[0].request == ContinuationRequest(
            source: folder.appendingPathComponent("scene.mp4").path,
            references: [folder.appendingPathComponent("hero.png").path, "https://example.com/car.png"],
            prompt: "Based on @Video1", duration: 10, keepAudio: true))
        #expect(!lines[1].request.stitch && lines[1].request.output == folder.appendingPathComponent("shot.mp4").path)
        #expect(lines[1].request.shots == 2 && lines[1].request.tail == .seconds(6))
        #expect(lines[2].request.tail == .lastShot)
        // Journalled as written: seconds as a number (so requests journalled before "shot" existed keep
        // their identity), the last shot as "shot".
        let encoded = try lines[1...2].map { String(decoding: try JSONEncoder().encode($0.request), as: UTF8.self) }
        #expect(encoded[0].contains("\"tail\":6") && encoded[1].contains("\"tail\":\"shot\""))
        #expect(try encoded.map { try JSONDecoder().decode(ContinuationRequest.self, from: Data($0.utf8)).tail } == [.seconds(6), .lastShot])

        let bad = folder.appendingPathComponent("bad.jsonl").path
        try """
            {"clip": "a.mp4", "prompt": "p", "durration": 5}
            {"clip": "a.mp4"}
            not json
            {"clip": "a.mp4", "prompt": "p", "duration": 7, "output": "x.mp4"}
            {"clip": "b.mp4", "prompt": "p", "output": "x.mp4"}
            {"clip": "c.mp4", "prompt": "p", "output": "x.mp4"}
            {"clip": "d.mp4", "prompt": "p", "tail": "scene"}
            """.write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: BatchFileError.faults(bad, [
            "line 1: unknown key \"durration\" (known: aspect, clip, conform, crossfade, duration, elements, keep_audio, no_stitch, output, prompt, prompt_file, refs, shots, tail)",
            "line 2: \"prompt\" (or \"prompt_file\") is missing",
            "line 3: not a JSON object",
            "line 4: \"duration\" must be 5 or 10",
            "line 7: \"tail\" must be a number of seconds or \"shot\"",
            "lines 5 and 6 both write \(folder.appendingPathComponent("x.mp4").path); give each its own output",
        ])) { try BatchFile.read(bad) }
    }

    /// A batch file saved on Windows: lines ending in CR LF, a UTF-8 byte-order mark at the start (Notepad
    /// writes both), and a prompt file beside it with its own; and the files a mistyped or mis-saved
    /// batch file really is, each named for what it is rather than "cannot read it as UTF-8 text".
    @Test func aBatchFileSavedOnWindowsIsReadAndAFileThatCannotBeIsNamedForWhatItIs() throws {
        let folder = try Scratch.folder("kling-batch")
        let windows = folder.appendingPathComponent("takes.jsonl").path
        let lines = [#"{"clip": "scene.mp4", "prompt": "Based on @Video1"}"#, "",
                     #"{"clip": "scene.mp4", "prompt_file": "prompt.txt", "output": "two.mp4"}"#]
        try Data([0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]).write(to: URL(fileURLWithPath: windows))
        // The prompt's own bytes are kept whole: they are part of what identifies a request paid for.
        let promptBytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("Based on @Video1, again\r\n".utf8)
        try Data(promptBytes).write(to: folder.appendingPathComponent("prompt.txt"))
        let read = try BatchFile.read(windows)
        #expect(read.map(\.number) == [1, 3])
        #expect(read[0].request.prompt == "Based on @Video1" && read[0].request.source == folder.appendingPathComponent("scene.mp4").path)
        #expect(Array(read[1].request.prompt.utf8) == promptBytes)

        let utf16 = folder.appendingPathComponent("powershell.jsonl").path
        try Data([0xFF, 0xFE] + lines[0].utf8.flatMap { [$0, 0] }).write(to: URL(fileURLWithPath: utf16))
        let latin1 = folder.appendingPathComponent("latin1.jsonl").path
        try Data(Array(#"{"clip": "sc"#.utf8) + [0xE8] + Array(#"ne.mp4", "prompt": "p"}"#.utf8)).write(to: URL(fileURLWithPath: latin1))
        let missing = folder.appendingPathComponent("takes.jsnol").path
        #expect(throws: BatchFileError.unreadable(.utf16(utf16))) { try BatchFile.read(utf16) }
        #expect(throws: BatchFileError.unreadable(.notUTF8(latin1))) { try BatchFile.read(latin1) }
        #expect(throws: BatchFileError.unreadable(.notFound(missing))) { try BatchFile.read(missing) }
        #expect(throws: BatchFileError.unreadable(.isFolder(folder.path))) { try BatchFile.read(folder.path) }
        #expect(BatchFileError.unreadable(.notFound(missing)).description == "\(missing): no such file")
        let noPrompt = folder.appendingPathComponent("no-prompt.jsonl").path
        try #"{"clip": "scene.mp4", "prompt_file": "gone.txt"}"#.write(toFile: noPrompt, atomically: true, encoding: .utf8)
        #expect(throws: BatchFileError.faults(noPrompt, ["line 1: the prompt file \(folder.appendingPathComponent("gone.txt").path): no such file"])) {
            try BatchFile.read(noPrompt)
        }
    }

    /// A file rewritten during a run (a clip rendered again while the batch goes on) is uploaded
    /// again: a job is never sent what the file held before. Unchanged, it is shared.
    @Test func aFileRewrittenDuringTheRunIsUploadedAgain() async throws {
        try await PipelineHarness.with { harness in
            let clip = try harness.copy("landscape.mp4")
            let first = try await harness.uploads.url(for: clip)
            let again = try await harness.uploads.url(for: clip)
            #expect(again.reused && again.url == first.url)
            // Rendered again: other bytes at the same path.
            try FileManager.default.removeItem(atPath: clip)
            try FileManager.default.copyItem(atPath: Fixtures.path("portrait.mp4"), toPath: clip)
            let rewritten = try await harness.uploads.url(for: clip)
            #expect(!rewritten.reused && rewritten.url != first.url, "\(rewritten.url)")
            let name = try #require(rewritten.url.split(separator: "/").last)
            let arrived = try Data(contentsOf: harness.folder.appendingPathComponent("uploads/\(name)"))
            #expect(arrived == (try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("portrait.mp4")))))
            #expect(try await harness.control.count("POST", "/upload-asset") == 2)
        }
    }
}
