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

    /// An example in the README: a command as a user types it, what it printed, and the exit
    /// status a following `$ echo $?` shows.
    private struct Example {
        let command: String
        var printed: [String] = []
        var status: Int32?
    }

    /// The README's examples that run on the bundled fixtures alone (no key, no network, no file of
    /// the reader's): `probe`, `validate`, `frame`, `conform`, `stitch` and `scenes` lines whose
    /// inputs are all under `fixtures/`.
    private func fixtureExamples() throws -> [Example] {
        let readme = try String(contentsOfFile: Fixtures.repositoryRoot + "/README.md", encoding: .utf8)
        var examples: [Example] = []
        var current: Example?
        var inBlock = false
        var statusNext = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                if let done = current { examples.append(done) }
                current = nil
                inBlock.toggle()
            } else if !inBlock {
                continue
            } else if line == "$ echo $?" {
                statusNext = true
            } else if statusNext {
                statusNext = false
                current?.status = Int32(line)
            } else if line.hasPrefix("$ ") {
                if let done = current { examples.append(done) }
                current = line.hasPrefix("$ kling-media ") ? Example(command: String(line.dropFirst(2))) : nil
            } else {
                current?.printed.append(line)
            }
        }
        let offline = ["probe", "validate", "frame", "conform", "stitch", "scenes"]
        return examples.filter { example in
            let words = example.command.split(separator: " ").map(String.init)
            guard words.count > 2, offline.contains(words[1]) else { return false }
            // Every file named, but what `-o` writes, is a fixture.
            let files = words.indices.filter { index in
                let word = words[index]
                return [".mp4", ".mov", ".png", ".jpg", ".webp"].contains { word.hasSuffix($0) } && (index == 0 || words[index - 1] != "-o")
            }
            return !files.isEmpty && files.allSatisfy { words[$0].hasPrefix("fixtures/") }
        }
    }

    /// What changes from run to run: the time a piece of work took, where the output went.
    private func comparable(_ lines: [String], folder: String) -> [String] {
        let elapsed = try! NSRegularExpression(pattern: "(; |\\()[0-9]+(\\.[0-9]+)? s(\\)?)$")
        return lines.map { line in
            let line = line.replacingOccurrences(of: folder + "/", with: "").replacingOccurrences(of: "/tmp/demo/", with: "")
            return elapsed.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line), withTemplate: "$1… s$3")
        }
    }

    /// The README shows what the tool prints: its examples on the fixtures, run as written in a
    /// folder laid out as the repository, print the same lines (times taken aside) and exit as shown.
    @Test func theExamplesOnTheFixturesPrintWhatTheREADMEShows() async throws {
        let examples = try fixtureExamples()
        #expect(examples.count >= 5, "examples found: \(examples.map(\.command))")
        let folder = try repositoryLikeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manager = FileManager.default
        for fixture in try manager.contentsOfDirectory(atPath: Fixtures.repositoryRoot + "/fixtures")
        where !manager.fileExists(atPath: "\(folder)/fixtures/\(fixture)") {
            try manager.copyItem(atPath: "\(Fixtures.repositoryRoot)/fixtures/\(fixture)", toPath: "\(folder)/fixtures/\(fixture)")
        }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder + "/home"]
        for example in examples {
            let result = try await ProcessRunner.run("/bin/bash", ["-c", "cd '\(folder)' && .build/debug/\(example.command)"], environment: environment)
            let printed = (result.standardOutput + result.standardError).split(separator: "\n").map(String.init)
            #expect(comparable(printed, folder: folder) == comparable(example.printed, folder: folder),
                    "`\(example.command)` printed:\n\(printed.joined(separator: "\n"))\nthe README shows:\n\(example.printed.joined(separator: "\n"))")
            #expect(result.status == (example.status ?? 0), "`\(example.command)` exited \(result.status)")
        }
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
        // A review of the folder without --simulate finds no real continuation there (the two above, one in
        // fixtures/, are simulated), and says where they are.
        let reviewed = try await run(".build/debug/kling-media review .")
        #expect(reviewed.status == 0, "\(reviewed.standardError)")
        #expect(reviewed.standardError.contains("0 cards; the simulator's journal has 2 continuations there: add --simulate "
                                                + "(`kling-media review . --simulate`)"), "\(reviewed.standardError)")
    }
}
