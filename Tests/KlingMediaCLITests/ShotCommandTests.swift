import Foundation
import TestSupport
import Testing

/// `scenes`, `probe --scenes`, the cut warning of `validate` and `continue`, and `continue --tail shot`,
/// on clips whose cut frames ffmpeg and ffprobe fixed (see `CutClip`).
@Suite struct ShotCommandTests {
    typealias Sandbox = JobCommandTests.Sandbox

    /// 8 s at 1280×720, 24 fps: a test card (2 s), colour bars (2 s), a Mandelbrot zoom (4 s). Cuts
    /// at frames 48 and 96 (2 s and 4 s); the last shot is 96 frames. Made once for the suite and
    /// copied into `folder` (each test works on its own copy).
    private func threeShots(in folder: URL) async throws -> CutClip.Made {
        let made = try await Self.made.value
        let path = folder.appendingPathComponent("edit.mp4").path
        try FileManager.default.copyItem(atPath: made.path, toPath: path)
        return CutClip.Made(path: path, cutFrames: made.cutFrames, frameCount: made.frameCount, framesPerSecond: made.framesPerSecond)
    }

    private static let made = Task {
        let folder = Scratch.temporary.appendingPathComponent("kling-shots-made-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try await CutClip.make(["testsrc2=size=640x360:rate=30:duration=2", "smptehdbars=size=1280x720:rate=24:duration=2",
                                       "mandelbrot=size=1280x720:rate=24:end_pts=100,trim=duration=4"],
                                      width: 1280, height: 720, at: folder.appendingPathComponent("edit.mp4").path)
    }

    private func folder() throws -> URL {
        let folder = Scratch.temporary.appendingPathComponent("kling-shots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func scenesAndProbeScenesReportTheCutsMade() async throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await threeShots(in: folder)
        #expect(clip.cutFrames == [48, 96])
        let scenes = try await KlingMediaBinary.run(["scenes", clip.path, "--json"])
        #expect(scenes.status == 0, "\(scenes.standardError)")
        let report = try json(scenes.standardOutput)
        let cuts = try #require(report["cuts"] as? [[String: Any]])
        #expect(cuts.compactMap { $0["frame"] as? Int }.elementsEqual(clip.cutFrames) { abs($0 - $1) <= 1 })
        #expect((report["shots"] as? [[String: Any]])?.count == 3 && report["frames"] as? Int == clip.frameCount)
        let text = try await KlingMediaBinary.run(["scenes", clip.path])
        #expect(text.status == 0 && text.standardOutput.contains("2 cuts, 3 shots"))
        #expect(text.standardOutput.contains("shot 3: 4 s to 8 s (frames 96–191)"))

        let probe = try await KlingMediaBinary.run(["probe", clip.path, "--scenes", "--json"])
        #expect(probe.status == 0, "\(probe.standardError)")
        let probed = try json(probe.standardOutput)
        #expect(probed["format"] != nil && ((probed["scenes"] as? [String: Any])?["cuts"] as? [[String: Any]])?.count == 2)
        // Without --scenes nothing is decoded and nothing is said of shots.
        let plain = try await KlingMediaBinary.run(["probe", clip.path, "--json"])
        #expect(try json(plain.standardOutput)["scenes"] == nil)

        let sound = try await KlingMediaBinary.run(["scenes", Fixtures.path("audio_only.m4a")])
        #expect(sound.status == 2 && sound.standardError.contains("has no video stream to find shots in"))
    }

    @Test func validateAndContinueWarnOfCutsInWhatIsSent() async throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await threeShots(in: folder)
        let prompt = "Based on @Video1, the next shot"
        let validate = try await KlingMediaBinary.run(["validate", clip.path, "--prompt", prompt])
        #expect(validate.status == 0, "\(validate.standardOutput)\(validate.standardError)")
        #expect(validate.standardOutput.contains("the clip has cuts at 2 s and 4 s; the model will see 3 shots; `--tail shot` sends only the last one"))
        let json = try json(try await KlingMediaBinary.run(["validate", clip.path, "--prompt", prompt, "--json"]).standardOutput)
        let findings = (json["verdict"] as? [String: Any])?["findings"] as? [[String: Any]] ?? json["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["code"] as? String == "cuts_in_sent_part" && $0["severity"] as? String == "warning" })
        // Sent from its last shot on, there is nothing to warn of; a clip without cuts has no warning either.
        let dry = try await KlingMediaBinary.run(["continue", clip.path, "--prompt", prompt, "--tail", "shot", "--dry-run", "--simulate"])
        #expect(dry.status == 0, "\(dry.standardError)")
        #expect(!dry.standardError.contains("warning") && dry.standardError.contains("its last 4 s"))
        let plain = try await KlingMediaBinary.run(["validate", Fixtures.path("landscape.mp4"), "--prompt", prompt])
        #expect(!plain.standardOutput.contains("cut"))
    }

    @Test func tailShotSendsOnlyTheLastShotAndTheWholeClipIsStitched() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let clip = try await threeShots(in: sandbox.home)
        let output = sandbox.home.appendingPathComponent("edit+next.mp4").path
        let result = try await sandbox.run(["continue", clip.path, "--prompt", "Based on @Video1, go on", "--tail", "shot", "-o", output])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("the clip will be re-encoded before sending: its last 4 s"))
        // What went up is the last shot: its 96 frames, the first of them the cut's (ffmpeg's SSIM against the clip's frame 96, and 95).
        let sent = try #require(try FileManager.default.contentsOfDirectory(atPath: sandbox.home.path).first { $0.contains(".sent.") })
        let sentPath = sandbox.home.appendingPathComponent(sent).path
        let facts = try await DecodeReport(path: sentPath)
        #expect(facts.video?.decodedFrames == 96, "sent \(facts.video?.decodedFrames ?? -1) frames")
        let same = try await Self.ssim(firstFrameOf: sentPath, against: clip.path, frame: 96)
        let before = try await Self.ssim(firstFrameOf: sentPath, against: clip.path, frame: 95)
        #expect(same > 0.95 && before < 0.8, "SSIM with the cut's frame \(same), with the frame before \(before)")
        // The whole clip and the new shot are stitched: 192 + 120 frames.
        let stitched = try await DecodeReport(path: output)
        #expect(stitched.video?.decodedFrames == 192 + 120)
        // The joint is looked at: its sheet beside the result, its scores said.
        #expect(result.standardError.contains("seams: \(sandbox.home.path)/edit+next.seams.png"), "\(result.standardError)")
        #expect(result.standardError.contains("joint 1 at 8 s: SSIM "))
        #expect(FileManager.default.fileExists(atPath: sandbox.home.appendingPathComponent("edit+next.seams.png").path))
    }

    @Test func stitchScoresEachJointAndNoSeamsSkipsIt() async throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await threeShots(in: folder)
        let output = folder.appendingPathComponent("twice.mp4").path
        let result = try await KlingMediaBinary.run(["stitch", clip.path, clip.path, "-o", output, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let seams = try #require(try json(result.standardOutput)["seams"] as? [String: Any])
        #expect(seams["sheet"] as? String == folder.appendingPathComponent("twice.seams.png").path)
        let joints = try #require(seams["joints"] as? [[String: Any]])
        // The Mandelbrot zoom's last frame, then the test card's first (pillarboxed: the black bars
        // alike on both sides keep the SSIM up): a cut, and a colour jump.
        #expect(joints.count == 1 && (joints[0]["time"] as? Double ?? 0) == 8)
        #expect((joints[0]["ssim"] as? Double ?? 1) < 0.8 && (joints[0]["delta_e"] as? Double ?? 0) > 20, "\(joints)")
        let plain = try await KlingMediaBinary.run(["stitch", clip.path, clip.path, "-o", folder.appendingPathComponent("bare.mp4").path,
                                                    "--no-seams", "--json"])
        let plainReport = try json(plain.standardOutput)
        #expect(plain.status == 0 && plainReport["seams"] == nil)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bare.seams.png").path))
    }

    /// ffmpeg's `ssim` filter (luma and chroma, "All") between the first frame of `path` and frame
    /// `frame` of `reference`.
    static func ssim(firstFrameOf path: String, against reference: String, frame: Int) async throws -> Double {
        let graph = "[0:v]trim=end_frame=1,setpts=PTS-STARTPTS,scale=1280:720[a];"
            + "[1:v]trim=start_frame=\(frame):end_frame=\(frame + 1),setpts=PTS-STARTPTS[b];[a][b]ssim"
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "info", "-nostdin", "-i", path, "-i", reference,
                                                            "-filter_complex", graph, "-f", "null", "-"])
        guard let range = result.standardError.range(of: "All:") else {
            throw OracleError.failed(path: path, message: "ffmpeg's ssim printed nothing: \(result.standardError.suffix(400))")
        }
        let number = result.standardError[range.upperBound...].prefix { !$0.isWhitespace && $0 != "(" }
        return Double(number) ?? -1
    }
}
