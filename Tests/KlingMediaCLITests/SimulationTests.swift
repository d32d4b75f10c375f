import Foundation
import TestSupport
import Testing

/// A newcomer's simulation shows what the tool promises: the same command again is not paid for
/// twice, a Ctrl-C is resumed, and `jobs` lists what was made; all kept apart from real jobs.
@Suite struct SimulationTests {
    private let prompt = "Based on @Video1, generate the next shot"

    /// A home of its own, with no key: what a new user has.
    private struct Home {
        let folder: URL
        var environment: [String: String] {
            ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path]
        }

        init() throws {
            folder = Scratch.temporary.appendingPathComponent("kling-simulation-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func run(_ arguments: [String]) async throws -> ProcessResult {
            try await KlingMediaBinary.run(arguments, environment: environment)
        }
        func close() { try? FileManager.default.removeItem(at: folder) }
    }

    private func jobs(_ result: ProcessResult) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
    }

    @Test func theSameCommandAgainIsAlreadyDoneAndTheJobIsListedApartFromRealOnes() async throws {
        let home = try Home()
        defer { home.close() }
        let command = ["continue", Fixtures.path("landscape.mp4"), "--prompt", prompt, "-o", home.path("next.mp4")]
        let first = try await home.run(command)
        #expect(first.status == 0, "\(first.standardError)")
        let again = try await home.run(command)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardError.contains("already done: \(home.path("next.mp4"))"))
        #expect(!FileManager.default.fileExists(atPath: home.path("next-2.mp4")))
        // One job, in the simulation's journal; none in the real one.
        let listed = try jobs(try await home.run(["jobs", "--simulate", "--json"]))
        #expect(listed.count == 1 && listed.first?["state"] as? String == "downloaded")
        let real = try await home.run(["jobs"])
        #expect(real.status == 0)
        #expect(real.standardError.contains("no real jobs on this machine"))
        #expect(real.standardError.contains("1 simulated job: add --simulate (`kling-media jobs --simulate`)"))
        // Without a key, the job commands say the same instead of asking for one.
        let resume = try await home.run(["resume"])
        #expect(resume.status == 0 && resume.standardError.contains("1 simulated job: add --simulate (`kling-media resume --simulate`)"))
    }

    @Test func aCtrlCAfterTheSubmissionIsResumedWithSimulateAndTheShotFollowsTheClip() async throws {
        let home = try Home()
        defer { home.close() }
        let process = try RunningProcess(KlingMediaBinary.path, ["continue", Fixtures.path("portrait.mp4"), "--prompt", prompt,
                                                                 "-o", home.path("next.mp4")], environment: home.environment)
        let whenSignalled = try await process.signal(SIGINT, onceStandardErrorContains: "request id ")
        let interrupted = try await process.finish()
        #expect(interrupted.status == 130, "Ctrl-C sent when it had printed: \(whenSignalled)")
        let id = try #require(interrupted.standardError.firstMatch(of: /request id ([0-9a-f-]+)/)?.1)
        #expect(interrupted.standardError.contains("goes on at the simulator; `kling-media wait \(id) --simulate` finishes it"))

        let resumed = try await home.run(["resume", "--simulate"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == home.path("next.mp4"))
        #expect(resumed.standardError.contains("job \(id) was submitted earlier; waiting for it"))
        // The simulated shot is 9:16 like the clip, and opens on the clip's last frame.
        let facts = try await DecodeReport(path: home.path("next.shot1.mp4"))
        #expect(facts.video?.width == 720 && facts.video?.height == 1280 && facts.video?.frameRate == "24/1")
        let lastFrame = home.path("last.png")
        _ = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-sseof", "-1", "-i", Fixtures.path("portrait.mp4"),
                                                   "-update", "1", "-y", lastFrame])
        #expect(try #require(try await DecodeReport.ssim(home.path("next.shot1.mp4"), lastFrame)) > 0.9)
        // And `wait --simulate` on the finished job hands back the file without fetching it again.
        let waited = try await home.run(["wait", String(id), "--simulate"])
        #expect(waited.status == 0, "\(waited.standardError)")
    }

    @Test func theSimulatorPrintsAWholeExportLineAndRemovesItsFolderWhenStopped() async throws {
        let process = try RunningProcess(KlingMediaBinary.path, ["simulator", "--port", "0"])
        try await eventually("the export line") { process.standardOutputSoFar.contains("\nexport ") }
        let text = process.standardOutputSoFar
        let exportLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("export ") })
        let base = try #require(exportLine.firstMatch(of: /SEGMIND_API_BASE=(http:\/\/127\.0\.0\.1:\d+)/)?.1)
        #expect(exportLine.contains("SEGMIND_UPLOAD_URL=\(base)/upload-asset"))
        #expect(exportLine.contains("SEGMIND_API_KEY=SG_"))
        let folder = try #require(text.firstMatch(of: /files in (\S+) \(removed when it stops\)/)?.1)
        #expect(FileManager.default.fileExists(atPath: String(folder)))
        process.signal(SIGTERM)
        _ = try await process.finish()
        #expect(!FileManager.default.fileExists(atPath: String(folder)))
    }
}
