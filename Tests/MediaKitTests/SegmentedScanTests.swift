import Foundation
import Testing
import TestSupport
@testable import MediaKit

/// A whole clip's shot scan decodes stretches that start at keyframes side by side, one
/// single-threaded decoder per core. The cuts and their scores must be those of one decoder going
/// through the clip, whatever the container and however the encoder placed its keyframes; the cut
/// frames themselves are known without our code (ffprobe counted each shot's frames).
@Suite struct SegmentedScanTests {
    private func scratch(_ name: String) throws -> String { try Scratch.file(name, in: "kling-segments") }

    /// Two decoders, whatever share of the cores the other tests running leave this one (with one,
    /// a scan decodes in one pass).
    private static let twoDecoders = {
        var settings = ShotDetection.Settings()
        settings.decoders = 2
        return settings
    }()

    /// The edited clip (x264 at its defaults) the tests that need no other encoding share: made once.
    private static let edit = SharedClip { try await CutClip.make(CutClip.shots, at: try Scratch.file("cuts.mp4", in: "kling-segments")) }

    /// The stretches a scan on two cores cuts the clip into.
    private func stretches(_ path: String) throws -> [SegmentedPictures.Segment] {
        let (file, info) = try Probe.open(atPath: path)
        let index = try #require(info.primaryVideo?.index)
        let stream = try #require(file.streams.first { Int($0.pointee.index) == index })
        let table = try #require(try PacketTable.read(file, stream: stream, from: 0))
        return SegmentedPictures.segments(table, frames: 0...(table.frameCount - 1), decoders: 2)
    }

    /// Scans `path` in stretches and in one pass (every frame decoded when `everyFrame`), and checks
    /// that both give the same cuts and scores, each within a frame of where it was made.
    private func expectStretchesScanAsOnePass(_ path: String, _ clip: CutClip.Made, everyFrame: Bool = false) async throws {
        let inStretches = try await ShotDetection.detect(in: path, settings: Self.twoDecoders)
        var onePass = ShotDetection.Settings()
        onePass.decoders = 1
        onePass.decodesEveryFrame = everyFrame
        let single = try await ShotDetection.detect(in: path, settings: onePass)
        #expect(inStretches.cuts == single.cuts, "in stretches \(inStretches.cuts), in one pass \(single.cuts)")
        #expect(inStretches.frameCount == clip.frameCount && inStretches.duration == single.duration)
        #expect(inStretches.cuts.count == clip.cutFrames.count, "found \(inStretches.cuts.map(\.frame)), made \(clip.cutFrames)")
        for (found, made) in zip(inStretches.cuts, clip.cutFrames) { #expect(abs(found.frame - made) <= 1) }
    }

    /// x264 at its defaults puts a keyframe at most cuts: the stretches start at cuts, where the
    /// frames either side are decoded by different decoders.
    @Test func stretchesStartingAtCutsGiveTheCutsOfOnePass() async throws {
        let clip = try await Self.edit.made()
        let segments = try stretches(clip.path)
        #expect(segments.count > 2, "\(segments)")
        // They tile the clip, each after the first starting at a keyframe.
        #expect(segments.first?.frames.lowerBound == 0 && segments.last?.frames.upperBound == clip.frameCount - 1)
        for (earlier, later) in zip(segments, segments.dropFirst()) {
            #expect(earlier.frames.upperBound + 1 == later.frames.lowerBound && later.keyframe != nil)
        }
        try await expectStretchesScanAsOnePass(clip.path, clip)
    }

    /// With open groups of pictures, B-frames decoded after a keyframe are shown before it and refer
    /// to the frames before it: the decoder that starts there cannot make them; the one before does.
    @Test func openGroupsOfPicturesGiveTheCutsOfOnePassDecodingEveryFrame() async throws {
        let clip = try await CutClip.make(CutClip.shots, encoding: ["-x264-params", "open-gop=1:keyint=36:min-keyint=36:scenecut=0:bframes=3"],
                                          at: try scratch("open-gop.mp4"))
        // ffprobe's packets in decoding order: some come after a keyframe yet show before it.
        let packets = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "packet=pts,flags",
                                                              "-of", "csv=p=0", clip.path])
        let rows = packets.standardOutput.split(separator: "\n").map { $0.split(separator: ",") }
        var lastKey: Int?
        var leading = 0
        for row in rows {
            guard let pts = row.first.flatMap({ Int($0) }) else { continue }
            if row.count > 1, row[1].hasPrefix("K") {
                lastKey = pts
            } else if let key = lastKey, pts < key {
                leading += 1
            }
        }
        #expect(leading > 0, "the encoder made B-frames that lead a keyframe")
        #expect(try stretches(clip.path).count > 2)
        try await expectStretchesScanAsOnePass(clip.path, clip, everyFrame: true)
    }

    /// A stretch whose decoder cannot start at its keyframe (a container that seeks too loosely)
    /// sends the scan back to one decoder for the whole clip: the same cuts, and progress that
    /// holds rather than going back over what was reported.
    @Test func aStretchThatCannotStartSendsTheScanBackToOnePass() async throws {
        let clip = try await Self.edit.made()
        #expect(try stretches(clip.path).count > 3)
        var missing = Self.twoDecoders
        missing.stretchThatMissesItsStart = 3
        let heard = Collected<Double>()
        let list = try await ShotDetection.detect(in: clip.path, settings: missing) { done, _ in heard.add(done) }
        let progress = heard.all
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $1 >= $0 }, "\(progress)")
        // The one pass went over ground already reported: there the progress held (each frame is
        // later than the one before, so a scan that went through once never repeats a value).
        #expect(zip(progress, progress.dropFirst()).contains { $1 == $0 }, "\(progress)")
        var onePass = ShotDetection.Settings()
        onePass.decoders = 1
        #expect(list.cuts == (try await ShotDetection.detect(in: clip.path, settings: onePass)).cuts)
    }

    /// Cancelling the scan's task stops it at the next picture: the decoders of the stretches ahead
    /// are stopped and waited for, and the scan says it was interrupted rather than report cuts.
    @Test func aScanCancelledMidwayStopsAndSaysSo() async throws {
        let clip = try await Self.edit.made()
        #expect(try stretches(clip.path).count > 2)
        let scan = Cancelling()
        let heard = Collected<Double>()
        let task = Task {
            try await ShotDetection.detect(in: clip.path, settings: Self.twoDecoders) { done, _ in
                heard.add(done)
                scan.cancel()
            }
        }
        scan.hold(task)
        let result = await task.result
        #expect(throws: ShotDetectionError.cancelled) { try result.get() }
        #expect(heard.all.count < clip.frameCount / 2, "the scan went on for \(heard.all.count) frames")
    }

    /// MPEG-TS has no index (a seek searches its decoding times and may land past the keyframe asked
    /// for); Matroska indexes presentation times and gives the packet after a seek no decoding time.
    @Test(arguments: ["ts", "mkv"])
    func otherContainersGiveTheCutsOfTheMP4(container: String) async throws {
        let clip = try await Self.edit.made()
        let copy = try scratch("cuts.\(container)")
        let copied = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", clip.path, "-c", "copy", copy])
        #expect(copied.status == 0, "ffmpeg: \(copied.standardError)")
        #expect(try stretches(copy).count > 2)
        try await expectStretchesScanAsOnePass(copy, clip)
        let mp4 = try await ShotDetection.detect(in: clip.path, settings: Self.twoDecoders)
        let scanned = try await ShotDetection.detect(in: copy, settings: Self.twoDecoders)
        #expect(scanned.cuts.map(\.frame) == mp4.cuts.map(\.frame))
    }
}

/// Holds a task so that the task's own callbacks can cancel it.
private final class Cancelling: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<ShotList, any Error>?

    func hold(_ task: Task<ShotList, any Error>) { lock.withLock { self.task = task } }
    func cancel() { lock.withLock { task?.cancel() } }
}

/// A clip made on first use and shared by the tests that ask for it (they run at once: the first
/// makes it, the others wait for that).
private actor SharedClip {
    private let make: @Sendable () async throws -> CutClip.Made
    private var making: Task<CutClip.Made, any Error>?

    init(_ make: @escaping @Sendable () async throws -> CutClip.Made) {
        self.make = make
    }

    func made() async throws -> CutClip.Made {
        if let making { return try await making.value }
        let task = Task { try await make() }
        making = task
        return try await task.value
    }
}
