import Testing
@testable import MediaKit

/// What a shot scan that skips frames relies on: a gap across which the picture changed by half
/// the threshold or more, or a likely cut whose window is not all there, is left undecided (to be
/// decoded again in full); a gap across which nothing changed is no cut and needs nothing more.
@Suite struct CutFinderGapTests {
    /// A flat picture of one colour (HSV differences between two such pictures are exact).
    private func flat(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> ComparisonPicture {
        let rgb = [UInt8]((0..<64).flatMap { _ in [red, green, blue] })
        return rgb.withUnsafeBufferPointer { ComparisonPicture(rgb: $0) }
    }

    private let settings = CutFinder.Settings(threshold: 27, window: 6, minimumShotFrames: 12)

    /// A finder given `frames` of 60: red up to frame 29, blue from frame 30 (a cut at 30).
    private func cutAtThirty(given frames: [Int] = Array(0..<60), decides: @escaping (Int) -> Bool = { _ in true }) -> CutFinder {
        var finder = CutFinder(settings: settings, decides: decides)
        for frame in frames { finder.add(frame < 30 ? flat(200, 40, 40) : flat(40, 40, 200), frame: frame, seconds: Double(frame) / 24) }
        finder.finish()
        return finder
    }

    @Test func everyFrameGivenFindsTheCutAndLeavesNothingUndecided() {
        let finder = cutAtThirty()
        #expect(finder.cuts.map(\.frame) == [30])
        #expect(finder.undecided.isEmpty)
    }

    @Test func aChangeInsideAGapIsLeftUndecided() {
        // Frames 28 to 31 are not given; the picture changed between 27 and 32.
        let finder = cutAtThirty(given: (0..<60).filter { !(28...31).contains($0) })
        #expect(finder.cuts.isEmpty)
        #expect(finder.undecided == [28...32])
    }

    @Test func aGapAcrossWhichNothingChangedNeedsNothingMore() {
        var finder = CutFinder(settings: settings)
        for frame in 0..<60 where frame % 3 != 1 { finder.add(flat(90, 120, 60), frame: frame, seconds: Double(frame) / 24) }
        finder.finish()
        #expect(finder.cuts.isEmpty && finder.undecided.isEmpty)
    }

    @Test func aGapLongerThanTheWindowIsLeftUndecidedWhateverItShows() {
        var finder = CutFinder(settings: settings)
        for frame in [0, 1, 2, 3, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29] { finder.add(flat(90, 120, 60), frame: frame, seconds: Double(frame) / 24) }
        finder.finish()
        #expect(finder.undecided == [4...20])
    }

    @Test func aLikelyCutWithoutItsWholeWindowIsLeftUndecided() {
        // The change is between two frames given (29 and 30), but frames after it are missing.
        let finder = cutAtThirty(given: (0..<60).filter { !(33...34).contains($0) })
        #expect(finder.cuts.isEmpty)
        #expect(finder.undecided == [30...30])
    }

    @Test func onlyTheFramesItDecidesAreReported() {
        let finder = cutAtThirty(decides: { $0 != 30 })
        #expect(finder.cuts.isEmpty && finder.undecided.isEmpty)
    }
}
