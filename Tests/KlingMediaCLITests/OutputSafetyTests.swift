import Foundation
import TestSupport
import Testing

/// Outputs are never overwritten or mislabelled: an existing `-o` is refused without
/// `--overwrite` (as ffmpeg's `-n`), the extension decides the container, and what cannot be made
/// is refused before any work, leaving nothing behind.
@Suite struct OutputSafetyTests {
    private let sentinel = "someone's file, not to be lost\n"

    private func scratchFolder() throws -> String {
        let folder = Scratch.temporary.appendingPathComponent("kling-outputs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The folder's entries other than `keep`: nothing half-written, no temporary files.
    private func leftovers(in folder: String, besides keep: Set<String> = []) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { !keep.contains($0) }
    }

    /// A result whose folder cannot be made (a file stands where a folder of its path should) stops
    /// `continue` before anything is sent, naming the folder and the system's reason.
    @Test func aResultFolderThatCannotBeMadeStopsBeforeAnythingIsSent() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let folder = try scratchFolder()
        try sentinel.write(toFile: folder + "/takes", atomically: true, encoding: .utf8)
        let result = try await sandbox.run(["continue", Fixtures.path("landscape.mp4"), "--prompt", "Based on @Video1, next",
                                            "-o", folder + "/takes/monday/next.mp4"])
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("(cannot make \(folder)/takes/monday: Not a directory); nothing was sent"), "\(result.standardError)")
        #expect(try await sandbox.simulator.control.log().isEmpty)
        #expect(contents(folder + "/takes") == sentinel)
    }

    /// A result folder that is there but takes no new file (a clip on a read-only share, its result
    /// beside it) stops `continue` before anything is paid for: before, the shot was bought and its
    /// download then failed. /proc stands for such a folder: not even root can make a file in it.
    @Test func aResultFolderThatTakesNoFileStopsBeforeAnythingIsSent() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let made = FileManager.default.createFile(atPath: "/proc/.kling-media-test", contents: Data())
        try #require(!made, "a file could be made in /proc here; the test needs a folder that takes none")
        let result = try await sandbox.run(["continue", Fixtures.path("landscape.mp4"), "--prompt", "Based on @Video1, next",
                                            "-o", "/proc/next.mp4"])
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("/proc: cannot keep the result there (cannot write in /proc: "), "\(result.standardError)")
        #expect(result.standardError.contains("nothing was sent: give -o a path in a folder you can write"))
        #expect(try await sandbox.simulator.control.log().isEmpty)
        // `submit -o` names where `wait` will save the shot: the same check, before the POST.
        let submitted = try await sandbox.run(["submit", "--video-url", "https://example.com/shot.mp4", "--prompt", "Based on @Video1",
                                               "-o", "/proc/next.mp4"])
        #expect(submitted.status == 2, "\(submitted.standardError)")
        #expect(submitted.standardError.contains("/proc: cannot keep the shot there (cannot write in /proc: "), "\(submitted.standardError)")
        #expect(try await sandbox.simulator.control.log().isEmpty)
    }

    @Test func anExistingOutputIsKeptUnlessOverwriteIsGiven() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clip = Fixtures.path("landscape.mp4")
        let commands: [(name: String, arguments: [String])] = [
            ("taken.mp4", ["stitch", clip, clip, "-o"]),
            ("taken.mov", ["conform", Fixtures.path("too_long.mp4"), "-o"]),
            ("taken.png", ["frame", clip, "-o"]),
        ]
        for (name, arguments) in commands {
            let output = folder + "/" + name
            try sentinel.write(toFile: output, atomically: true, encoding: .utf8)
            let refused = try await KlingMediaBinary.run(arguments + [output])
            #expect(refused.status == 2, "\(arguments[0]): \(refused.standardError)")
            #expect(refused.standardError.contains("\(output) already exists; add --overwrite to replace it"), "\(refused.standardError)")
            #expect(contents(output) == sentinel, "\(arguments[0]) touched the existing file")
            let replaced = try await KlingMediaBinary.run(arguments + [output, "--overwrite"])
            #expect(replaced.status == 0, "\(arguments[0]) --overwrite: \(replaced.standardError)")
            let facts = try await FFprobeReport(path: output)
            #expect(!facts.streams.isEmpty, "\(arguments[0]) --overwrite did not write media")
        }
        // Beside the stitched result, its seam sheet (written with it).
        #expect(try leftovers(in: folder, besides: ["taken.mp4", "taken.seams.png", "taken.mov", "taken.png"]).isEmpty)
    }

    @Test func continueRefusesAnExistingOutputBeforeAnythingIsSent() async throws {
        let home = Scratch.temporary.appendingPathComponent("kling-outputs-home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home]
        let output = home + "/next.mp4"
        try sentinel.write(toFile: output, atomically: true, encoding: .utf8)
        let refused = try await KlingMediaBinary.run(["continue", Fixtures.path("landscape.mp4"), "--prompt", "Based on @Video1, go",
                                                      "-o", output], environment: environment)
        #expect(refused.status == 2, "\(refused.standardError)")
        #expect(refused.standardError.contains("\(output): already exists; nothing was sent"))
        #expect(refused.standardError.contains("--overwrite"))
        #expect(contents(output) == sentinel)
        #expect(!refused.standardError.contains("submitted"))
        let mislabelled = try await KlingMediaBinary.run(["continue", Fixtures.path("landscape.mp4"), "--prompt", "Based on @Video1, go",
                                                          "-o", home + "/next.avi"], environment: environment)
        #expect(mislabelled.status == 2 && mislabelled.standardError.contains(".mp4 (MP4) or .mov (QuickTime)"))
        // Refused before the simulator was started: no banner.
        #expect(!mislabelled.standardError.contains("SIMULATION"))
    }

    @Test func theExtensionDecidesTheContainer() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clip = Fixtures.path("landscape.mp4")
        // Pictures: JPEG for .jpg, PNG for .png, the same picture in both.
        for (name, codec) in [("still.jpg", "mjpeg"), ("still.JPEG", "mjpeg"), ("still.png", "png")] {
            let result = try await KlingMediaBinary.run(["frame", clip, "--at", "2", "-o", folder + "/" + name])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(try await FFprobeReport(path: folder + "/" + name).streams.first?["codec_name"] as? String == codec)
        }
        let likeness = try #require(try await DecodeReport.ssim(folder + "/still.jpg", folder + "/still.png"))
        #expect(likeness > 0.98, "SSIM of the JPEG to the PNG: \(likeness)")
        // Clips: QuickTime for .mov, MP4 for .mp4 (ffprobe reads the brand the muxer wrote).
        for (name, brand) in [("joined.mov", "qt  "), ("joined.mp4", "isom")] {
            let result = try await KlingMediaBinary.run(["stitch", clip, clip, "-o", folder + "/" + name])
            #expect(result.status == 0, "\(result.standardError)")
            let tags = try await FFprobeReport(path: folder + "/" + name).format["tags"] as? [String: Any]
            #expect(tags?["major_brand"] as? String == brand, "\(name): \(String(describing: tags))")
        }
        let conformed = try await KlingMediaBinary.run(["conform", Fixtures.path("too_long.mp4"), "-o", folder + "/end.mov"])
        #expect(conformed.status == 0 && conformed.standardOutput.contains("H.264 (x264) in QuickTime"), "\(conformed.standardOutput)")
        // Any other extension is refused before work starts, with the choices.
        let refusals: [[String]] = [
            ["frame", clip, "-o", folder + "/still.gif"],
            ["stitch", clip, clip, "-o", folder + "/joined.avi"],
            ["conform", Fixtures.path("too_long.mp4"), "-o", folder + "/end.mkv"],
        ]
        for arguments in refusals {
            let result = try await KlingMediaBinary.run(arguments)
            #expect(result.status == 2, "\(arguments[0]): \(result.standardError)")
            #expect(result.standardError.contains("the output's extension decides its"), "\(result.standardError)")
        }
        // Each stitched result beside its own seam sheet: the .mp4's does not replace the .mov's.
        #expect(Set(try leftovers(in: folder)) == ["still.jpg", "still.JPEG", "still.png", "joined.mov", "joined.mov.seams.png",
                                                   "joined.mp4", "joined.seams.png", "end.mov"])
    }

    @Test func aFrameOutsideTheClipIsRefused() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clip = Fixtures.path("landscape.mp4")
        let late = try await KlingMediaBinary.run(["frame", clip, "--at", "99", "-o", folder + "/late.png"])
        #expect(late.status == 2)
        #expect(late.standardError.contains("\(clip): is 5 s long; there is no frame at 99 s"), "\(late.standardError)")
        for form in [["--at", "-1"], ["--at=-1"]] {
            let early = try await KlingMediaBinary.run(["frame", clip] + form + ["-o", folder + "/early.png"])
            #expect(early.status == 2)
            #expect(early.standardError.contains("must be ≥ 0"), "\(form): \(early.standardError)")
        }
        // The clip's last moment is still a frame.
        let end = try await KlingMediaBinary.run(["frame", clip, "--at", "5", "-o", folder + "/end.png", "--json"])
        #expect(end.status == 0, "\(end.standardError)")
        #expect(try leftovers(in: folder) == ["end.png"])
    }

    @Test func conformChecksFirstAndLeavesAValidClipAlone() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let short = try await KlingMediaBinary.run(["conform", Fixtures.path("too_short.mp4"), "-o", folder + "/short.mp4", "--json"])
        #expect(short.status == 1)
        #expect(short.standardError.contains("Kling O1 needs at least 3 s, which re-encoding cannot make; nothing was written"))
        let error = try #require((try JSONSerialization.jsonObject(with: Data(short.standardOutput.utf8)) as? [String: Any])?["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid" && error["exit_status"] as? Int == 1)
        let trimmedTooFar = try await KlingMediaBinary.run(["conform", Fixtures.path("too_long.mp4"), "--first", "2", "-o", folder + "/two.mp4"])
        #expect(trimmedTooFar.status == 1 && trimmedTooFar.standardError.contains("keeping 2 s of it"))
        let soundOnly = try await KlingMediaBinary.run(["conform", Fixtures.path("audio_only.m4a"), "-o", folder + "/sound.mp4"])
        #expect(soundOnly.status == 2 && soundOnly.standardError.contains("has no video stream"))
        let valid = try await KlingMediaBinary.run(["conform", Fixtures.path("landscape.mp4"), "-o", folder + "/same.mp4"])
        #expect(valid.status == 0)
        #expect(valid.standardOutput.contains("already valid for Kling O1, nothing written"))
        #expect(try leftovers(in: folder).isEmpty)
        let forced = try await KlingMediaBinary.run(["conform", Fixtures.path("landscape.mp4"), "-o", folder + "/same.mp4", "--force"])
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try leftovers(in: folder) == ["same.mp4"])
    }
}
