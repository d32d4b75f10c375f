import Foundation
import TestSupport
import Testing

/// `kling-media probe` end to end: exit statuses, JSON shape, one clear line per unreadable file.
@Suite struct ProbeCommandTests {
    @Test func jsonForOneFileIsAnObjectWithFFprobesNames() async throws {
        let result = try await KlingMediaBinary.run(["probe", "--json", Fixtures.path("landscape.mp4")])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let format = try #require(object["format"] as? [String: Any])
        let oracle = try await FFprobeReport(path: Fixtures.path("landscape.mp4"))
        #expect(format["duration"] as? Double == FFprobeReport.number(oracle.format["duration"]))
        #expect(format["size"] as? Int == FFprobeReport.integer(oracle.format["size"]))
        let streams = try #require(object["streams"] as? [[String: Any]])
        #expect(streams.map { $0["codec_type"] as? String } == oracle.streams.map { $0["codec_type"] as? String })
    }

    @Test func jsonForSeveralFilesIsAnArrayWithErrorsInPlace() async throws {
        let files = ["landscape.mp4", "not_media.mp4", "ref_ok.png"].map(Fixtures.path)
        let result = try await KlingMediaBinary.run(["probe", "--json"] + files)
        #expect(result.status == 2)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
        #expect(array.count == 3)
        #expect((array[0]["format"] as? [String: Any])?["filename"] as? String == files[0])
        #expect(array[1]["filename"] as? String == files[1])
        #expect(array[1]["error"] as? String == "\(files[1]): not a video, audio or image file that FFmpeg recognises")
        #expect((array[2]["streams"] as? [[String: Any]])?.first?["codec_name"] as? String == "png")
    }

    @Test(arguments: [
        ("empty.mp4", "the file is empty (0 bytes); was it downloaded or copied completely?"),
        ("not_media.mp4", "not a video, audio or image file that FFmpeg recognises"),
        ("no-such-file.mp4", "no such file"),
    ])
    func unreadableFileGetsOneLineAndStatusTwo(fixture: String, reason: String) async throws {
        let path = Fixtures.path(fixture)
        let result = try await KlingMediaBinary.run(["probe", path])
        #expect(result.status == 2)
        #expect(result.standardOutput == "")
        #expect(result.standardError == "kling-media: \(path): \(reason)\n")
    }

    /// `probe *.mp4 | head`: once its reader has gone, the rest is not probed for nobody, and it
    /// ends quietly (not killed by SIGPIPE, which is ignored so that no run dies of it). The reader
    /// here closes before probe starts; the second file is a named pipe, which probe would refuse
    /// on standard error had it gone on.
    @Test func aReaderThatHasGoneStopsTheProbing() async throws {
        let folder = try Scratch.folder("kling-probe-nobody").path
        let script = #"""
            mkfifo "$1/sync" "$1/not-a-file"
            ( cat "$1/sync" >/dev/null; exec "$0" probe "$2" "$1/not-a-file" 2>"$1/errors" ) | ( exec 0<&-; echo > "$1/sync" )
            echo "status ${PIPESTATUS[0]}"
            """#
        let result = try await ProcessRunner.run("bash", ["-c", script, KlingMediaBinary.path, folder, Fixtures.path("landscape.mp4")])
        #expect(result.standardOutput.contains("status 0"), "\(result.standardOutput) \(result.standardError)")
        let errors = try String(contentsOfFile: folder + "/errors", encoding: .utf8)
        #expect(errors.isEmpty, "it went on probing: \(errors)")
    }

    @Test func directoryGetsOneLineAndStatusTwo() async throws {
        let result = try await KlingMediaBinary.run(["probe", Fixtures.directory.path])
        #expect(result.status == 2)
        #expect(result.standardError == "kling-media: \(Fixtures.directory.path): is a directory, not a media file\n")
    }

    @Test func tableShowsRotationAndDisplayedSize() async throws {
        let result = try await KlingMediaBinary.run(["probe", Fixtures.path("rotated.mp4")])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == "  #0 video  h264 High, yuv420p 8-bit, 1280×720 SAR 1:1, rotated 90° clockwise, "
                + "displayed 720×1280 (9:16), 30 fps constant, 120 frames, 4 s")
    }

    @Test func usageErrorExitsTwo() async throws {
        let result = try await KlingMediaBinary.run(["probe"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("Missing expected argument '<files> ...'"))
    }
}

/// `kling-media frame` end to end: the file, its size, the exit statuses.
@Suite struct FrameCommandTests {
    @Test func lastFrameOfAPhoneClipIsSavedUpright() async throws {
        let output = Scratch.temporary.appendingPathComponent("kling-cli-frame-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try await KlingMediaBinary.run(["frame", Fixtures.path("rotated.mp4"), "--at", "last", "-o", output, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(report["width"] as? Int == 720 && report["height"] as? Int == 1280)
        let oracle = try await FFprobeReport(path: output)
        #expect(oracle.streams.first?["codec_name"] as? String == "png")
        #expect(oracle.streams.first?["width"] as? Int == 720 && oracle.streams.first?["height"] as? Int == 1280)
    }

    @Test func badPositionAndUnreadableInputExitTwo() async throws {
        let bad = try await KlingMediaBinary.run(["frame", Fixtures.path("landscape.mp4"), "--at", "middle", "-o", "/tmp/x.png"])
        #expect(bad.status == 2)
        let empty = try await KlingMediaBinary.run(["frame", Fixtures.path("empty.mp4"), "-o", "/tmp/x.png"])
        #expect(empty.status == 2)
        #expect(empty.standardError == "kling-media: \(Fixtures.path("empty.mp4")): the file is empty (0 bytes); was it downloaded or copied completely?\n")
    }
}
