import Foundation
import TestSupport
import Testing

/// What a new user meets in the first hour, through the built binary: results on standard output
/// and the story on standard error, a JSON document for every failure with `--json`, help that
/// teaches, and messages that say what will be done.
@Suite struct FirstHourTests {
    private let prompt = "Based on @Video1, generate the next shot"

    /// A home of its own with no key, as a new user has.
    private func home() throws -> (folder: String, environment: [String: String]) {
        let folder = Scratch.temporary.appendingPathComponent("kling-first-hour-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (folder, ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder])
    }

    private func document(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
                     "standard output is not one JSON object: \(result.standardOutput)")
    }

    @Test func withJSONEveryFailureIsOneDocumentOnStandardOutput() async throws {
        let (folder, environment) = try home()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures: [(arguments: [String], code: String, status: Int)] = [
            (["frame", folder + "/missing.mp4", "-o", folder + "/x.png", "--json"], "unusable", 2),
            (["validate", Fixtures.path("landscape.mp4"), "--duration", "7", "--json"], "unusable", 2),
            (["stitch", "--json", "-o", folder + "/x.mp4"], "unusable", 2),
            (["wait", "../../x", "--json"], "unusable", 2),
        ]
        for (arguments, code, status) in failures {
            let result = try await KlingMediaBinary.run(arguments, environment: environment)
            #expect(Int(result.status) == status, "\(arguments): \(result.standardError)")
            let error = try #require(try document(result)["error"] as? [String: Any])
            #expect(error["code"] as? String == code, "\(arguments)")
            #expect(error["exit_status"] as? Int == status)
            #expect(!((error["message"] as? String) ?? "").isEmpty, "\(arguments)")
            #expect(!result.standardError.isEmpty, "\(arguments): the one line on standard error is missing")
        }
        // An invalid request: the verdict is the error's details, not a result.
        let invalid = try await KlingMediaBinary.run(["continue", Fixtures.path("too_short.mp4"), "--prompt", prompt, "--json"],
                                                     environment: environment)
        #expect(invalid.status == 1)
        let error = try #require(try document(invalid)["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid")
        let findings = try #require((error["details"] as? [String: Any])?["findings"] as? [[String: Any]])
        #expect(findings.first?["code"] as? String == "duration_too_short")
        // Checked before any simulator was started: no banner.
        #expect(!invalid.standardError.contains("SIMULATION"))
        // A result with a bad status is still its own document, not an error object: validate's verdict.
        let verdict = try await KlingMediaBinary.run(["validate", Fixtures.path("too_short.mp4"), "--json"])
        let verdictDocument = try document(verdict)
        #expect(verdict.status == 1 && verdictDocument["error"] == nil && verdictDocument["findings"] != nil)
    }

    @Test func aClipOverTheLimitIsSaidToBeCutNotValid() async throws {
        let (folder, environment) = try home()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clip = folder + "/long.mp4"
        try FileManager.default.copyItem(atPath: Fixtures.path("too_long.mp4"), toPath: clip)
        let result = try await KlingMediaBinary.run(["continue", clip, "--prompt", prompt, "--dry-run"], environment: environment)
        #expect(result.status == 0, "\(result.standardError)")
        let story = result.standardOutput + result.standardError
        #expect(story.contains("12 s, 1280×720: over the 10.05 s limit; its last 10 s will be sent"), "\(story)")
        #expect(!story.contains("valid for Kling O1"))
        // The clip that will be cut is still to be made: its size is not "0 B".
        #expect(story.contains("long+next.sent.mp4 (to be made)"))
        #expect(!story.contains("0 B"))
    }

    @Test func aCrossFadeRoundedToWholeFramesSaysSo() async throws {
        let (folder, _) = try home()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clip = Fixtures.path("landscape.mp4")
        let result = try await KlingMediaBinary.run(["stitch", clip, clip, "--crossfade", "0.51", "-o", folder + "/faded.mp4"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("0.5 s cross-fades (0.51 s asked, rounded to whole frames at 30 fps)"), "\(result.standardOutput)")
        let exact = try await KlingMediaBinary.run(["stitch", clip, clip, "--crossfade", "0.5", "-o", folder + "/exact.mp4"])
        #expect(exact.standardOutput.contains("0.5 s cross-fades;") && !exact.standardOutput.contains("asked"))
    }

    @Test func anUnreachableAPIIsRetriedAloud() async throws {
        let (folder, environment) = try home()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var withKey = environment
        withKey["SEGMIND_API_KEY"] = "SG_0123456789abcdef"
        // Port 9 (discard) on this machine: nothing listens, the connection is refused.
        withKey["SEGMIND_API_BASE"] = "http://127.0.0.1:9"
        let process = try RunningProcess(KlingMediaBinary.path, ["status", "0f8e3c2a-0000-4000-8000-000000000000"], environment: withKey)
        try await eventually(within: 30, "two retry notices") { process.standardErrorSoFar.contains("(3 of ") }
        process.signal(SIGINT)
        let result = try await process.finish()
        #expect(result.standardError.contains("kling-media: cannot connect to 127.0.0.1"), "\(result.standardError)")
        #expect(result.standardError.contains("; trying again in 1 s (2 of 8); Ctrl-C to stop"), "\(result.standardError)")
        #expect(result.status == 130)
    }

    @Test func helpTeachesEachCommandItsOwnStatusesAndExamples() async throws {
        let commands = ["continue", "batch", "resume", "probe", "validate", "conform", "frame", "stitch",
                        "submit", "status", "wait", "jobs", "upload", "download"]
        for command in commands {
            let help = try await KlingMediaBinary.run([command, "--help"])
            #expect(help.status == 0)
            let text = help.standardOutput
            #expect(text.contains("EXIT STATUS\n") && text.contains("EXAMPLES\n"), "\(command)")
            #expect(!text.contains("Argument(") && !text.contains("MediaKit.") && !text.contains("(default: 0.0)"), "\(command): \(text)")
            let examples = text.components(separatedBy: "EXAMPLES\n")[1].components(separatedBy: "\n\n")[0].split(separator: "\n")
            #expect((2...4).contains(examples.count), "\(command): \(examples)")
            for line in examples {
                #expect(line == "  kling-media \(command)" || line.hasPrefix("  kling-media \(command) ") || line.hasPrefix("  SEGMIND_"),
                        "\(command): \(line)")
                #expect(line.count <= 79, "\(command): an example longer than a terminal line: \(line)")
            }
        }
        // Only the statuses a command can return: frame cannot fail a job or be refused by Segmind.
        let frame = try await KlingMediaBinary.run(["frame", "--help"]).standardOutput
        let statuses = frame.components(separatedBy: "EXIT STATUS\n")[1].components(separatedBy: "\n\n")[0]
            .split(separator: "\n").compactMap { Int($0.split(separator: " ").first ?? "") }
        #expect(statuses == [0, 2])
        #expect(frame.contains("(default: last)"))
        let stitch = try await KlingMediaBinary.run(["stitch", "--help"]).standardOutput
        #expect(stitch.contains("(default: last)") && stitch.contains("(default: 0, a cut)"))
    }

    @Test func referencesThatSwallowTheClipAreExplained() async throws {
        let (folder, environment) = try home()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let swallowed = try await KlingMediaBinary.run(["continue", "--refs", Fixtures.path("ref_ok.png"), Fixtures.path("landscape.mp4"),
                                                        "--prompt", prompt], environment: environment)
        #expect(swallowed.status == 2)
        #expect(swallowed.standardError.contains("put the clip before --refs, or use --ref for each image"), "\(swallowed.standardError)")
        // --ref, repeated, keeps its order: the second image is @Image2.
        let repeated = try await KlingMediaBinary.run(["validate", "--ref", Fixtures.path("ref_ok.png"), Fixtures.path("landscape.mp4"),
                                                       "--ref", Fixtures.path("ref_too_small.png"),
                                                       "--prompt", "Based on @Video1 with @Image1 and @Image2", "--json"])
        #expect(repeated.status == 1, "\(repeated.standardError)")
        let findings = try #require(try document(repeated)["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["reference"] as? String == "@Image2" && $0["severity"] as? String == "error" }, "\(findings)")
        #expect(!findings.contains { $0["reference"] as? String == "@Image1" && $0["severity"] as? String == "error" })
        let both = try await KlingMediaBinary.run(["validate", Fixtures.path("landscape.mp4"), "--refs", Fixtures.path("ref_ok.png"),
                                                   "--ref", Fixtures.path("ref_ok.jpg")])
        #expect(both.status == 2 && both.standardError.contains("with --refs or with --ref, not both"))
    }

    @Test func aURLGivenToValidateSaysToDownloadItFirst() async throws {
        let result = try await KlingMediaBinary.run(["validate", "https://cdn.example.com/shot.mp4"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("a URL; only files on disk are probed, nothing is fetched"), "\(result.standardError)")
        #expect(result.standardError.contains("kling-media download URL -o clip.mp4"))
    }
}
