import Foundation
import TestSupport
import Testing

/// The status line on a real terminal's terms: the built binary run on a narrow pseudo-terminal,
/// what it wrote played into a terminal emulator (pyte), the screen read back. A status line that
/// wraps cannot be rewritten in place: each rewrite left its wrapped rows behind, and an upload of
/// a long-named clip on a 60-column terminal filled the screen with half lines.
@Suite struct TerminalTests {
    private let prompt = "Based on @Video1, go on"

    /// Rows that only a status line could have left: progress of an upload, a download, a stitch.
    private func leftovers(_ screen: TerminalScreen) -> [String] {
        screen.rows.filter { $0.contains("uploading") || $0.contains("downloading") || $0.contains(/ahead: [0-9]+%/) }
    }

    @Test(arguments: ["a-rather-long-clip-name-from-the-camera-roll-2026-11-27.mp4",
                      "カメラロールの長い名前のクリップ二〇二六年十一月.mp4"])
    func aStatusLineNeverOutgrowsItsTerminal(clip: String) async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let path = sandbox.home.appendingPathComponent(clip).path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: path)
        let screen = try await TerminalScreen.run(columns: 60, KlingMediaBinary.path, ["continue", path, "--prompt", prompt],
                                                  environment: sandbox.environment)
        #expect(screen.status == 0, "\(screen.rows.joined(separator: "\n"))")
        #expect(screen.rewrites > 0, "the run showed no status line: nothing was tried")
        #expect(leftovers(screen).isEmpty, "status lines left behind:\n\(screen.rows.joined(separator: "\n"))")
        #expect(screen.rows.contains { $0.hasPrefix("shot 1 of 1: saved ") }, "\(screen.rows.joined(separator: "\n"))")
    }

    /// A batch's status line leads with the tally ("1 of 2 done; line 2: …"), longer still.
    @Test func aBatchsStatusLineFitsANarrowTerminal() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let folder = sandbox.home.path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/the-scene-from-the-second-day.mp4")
        let lines = (1...2).map {
            #"{"clip": "the-scene-from-the-second-day.mp4", "prompt": "Based on @Video1, take \#($0)", "no_stitch": true, "output": "take\#($0).mp4"}"#
        }
        try lines.joined(separator: "\n").write(toFile: folder + "/takes.jsonl", atomically: true, encoding: .utf8)
        let screen = try await TerminalScreen.run(columns: 50, KlingMediaBinary.path, ["batch", folder + "/takes.jsonl"],
                                                  environment: sandbox.environment)
        #expect(screen.status == 0, "\(screen.rows.joined(separator: "\n"))")
        #expect(screen.rewrites > 0)
        #expect(leftovers(screen).isEmpty && !screen.rows.contains { $0.contains(" done; line ") },
                "status lines left behind:\n\(screen.rows.joined(separator: "\n"))")
    }

    /// A run started with `&` keeps its status line to itself (the shell's prompt and what the user
    /// types share the terminal), and still prints its steps.
    @Test func aRunInTheBackgroundDrawsNoStatusLine() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let path = sandbox.home.appendingPathComponent("scene.mp4").path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: path)
        let arguments = ["continue", path, "--prompt", prompt]
        let background = try await TerminalScreen.run(columns: 80, job: .background, KlingMediaBinary.path, arguments,
                                                      environment: sandbox.environment)
        #expect(background.status == 0, "\(background.rows.joined(separator: "\n"))")
        #expect(background.rewrites == 0, "a background job drew its status line \(background.rewrites) times")
        #expect(background.rows.contains { $0.hasPrefix("shot 1 of 1: saved ") }, "\(background.rows.joined(separator: "\n"))")
        // The same run as that shell's foreground job draws it (the job set-up is not what kept it away).
        let foreground = try await TerminalScreen.run(columns: 80, job: .foreground, KlingMediaBinary.path, arguments + ["--again"],
                                                      environment: sandbox.environment)
        #expect(foreground.rewrites > 0)
    }
}
