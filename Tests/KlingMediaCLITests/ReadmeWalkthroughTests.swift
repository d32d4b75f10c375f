import Foundation
import TestSupport
import Testing

/// The README's first-hour walk-through, run exactly as written: its lines, taken from the README
/// itself, each through bash, in a folder laid out as the repository (`.build/debug/kling-media`,
/// `fixtures/`), with a home of its own and no key.
@Suite struct ReadmeWalkthroughTests {
    /// The lines between the README's `first-hour` markers, with their trailing comments.
    private func walkthrough() throws -> [(command: String, comment: String)] {
        let readme = try String(contentsOfFile: Fixtures.repositoryRoot + "/README.md", encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "<!-- first-hour:begin -->").dropFirst().first?
            .components(separatedBy: "<!-- first-hour:end -->").first)
        return block.split(separator: "\n").map(String.init).filter { $0.hasPrefix(".build/") }.map { line in
            let parts = line.components(separatedBy: "  # ")
            return (parts[0], parts.dropFirst().joined(separator: "  # "))
        }
    }

    /// A folder with the repository's layout: the binaries linked in, the fixtures used copied.
    private func repositoryLikeFolder() throws -> String {
        let folder = Scratch.temporary.appendingPathComponent("kling-readme-\(UUID().uuidString)").path
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder + "/.build/debug", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: folder + "/fixtures", withIntermediateDirectories: true)
        let binaries = URL(fileURLWithPath: KlingMediaBinary.path).deletingLastPathComponent().path
        for binary in ["kling-media", "kling-media-simulator"] {
            try manager.createSymbolicLink(atPath: "\(folder)/.build/debug/\(binary)", withDestinationPath: "\(binaries)/\(binary)")
        }
        for fixture in ["landscape.mp4", "portrait.mp4", "ref_ok.png"] {
            try manager.copyItem(atPath: Fixtures.path(fixture), toPath: "\(folder)/fixtures/\(fixture)")
        }
        return folder
    }

    @Test func theFirstHourRunsAsWritten() async throws {
        let lines = try walkthrough()
        #expect(lines.count == 4, "the walk-through changed: \(lines)")
        let folder = try repositoryLikeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder + "/home"]
        func run(_ line: String) async throws -> ProcessResult {
            try await ProcessRunner.run("/bin/bash", ["-c", "cd '\(folder)' && \(line)"], environment: environment)
        }
        // The README's first command, then its first line again: already done, nothing submitted twice.
        let demo = try await run(lines[0].command)
        #expect(demo.status == 0, "\(demo.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder + "/landscape+next.mp4"))
        let again = try await run(lines[0].command)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardError.contains("already done: \(folder)/landscape+next.mp4"), "\(again.standardError)")
        #expect(!again.standardError.contains("submitted ("))
        // Cut off once it prints its request id, as the line's comment says.
        #expect(lines[1].comment.contains("Ctrl-C once it prints its request id"))
        let cut = try RunningProcess("/bin/bash", ["-c", "cd '\(folder)' && exec \(lines[1].command)"], environment: environment)
        let whenSignalled = try await cut.signal(SIGINT, onceStandardErrorContains: "request id ")
        let interrupted = try await cut.finish()
        #expect(interrupted.status == 130, "Ctrl-C sent when it had printed: \(whenSignalled)\nin all: \(interrupted.standardError)")
        #expect(interrupted.standardError.contains("goes on at the simulator; `kling-media wait "), "\(interrupted.standardError)")
        #expect(interrupted.standardError.contains(" --simulate` finishes it"))
        let resumed = try await run(lines[2].command)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("\(folder)/fixtures/portrait+next.mp4"), "\(resumed.standardOutput)")
        let shot = try await FFprobeReport(path: folder + "/fixtures/portrait+next.mp4")
        #expect(shot.streams.contains { $0["codec_type"] as? String == "video" })
        let listed = try await run(lines[3].command)
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.split(separator: "\n").filter { $0.contains("downloaded") }.count == 2, "\(listed.standardOutput)")
    }
}
