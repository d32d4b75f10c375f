import Foundation
import Pipeline
import Synchronization
import TestSupport
import Testing

/// A batch's review cards made as its lines finish are the cards the page would have made at the
/// end, each made once; a line that never ran gets its card when the page is gathered.
@Suite struct ReviewCardsAheadTests {
    @Test func cardsMadeAsLinesFinishAreThePagesCardsAndAreNotMadeAgain() async throws {
        try await PipelineHarness.with({ $0.latency = 0.5 }) { harness in
            let clip = try harness.copy("landscape.mp4")
            let lines = (1...3).map { number in
                BatchLine(number: number, request: ContinuationRequest(
                    source: clip, prompt: "Based on @Video1, take \(number)",
                    output: harness.folder.appendingPathComponent("take\(number).mp4").path))
            }
            let files = harness.folder.appendingPathComponent("review-files").path
            try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
            let builder = ReviewBuilder(continuations: harness.continuations, journal: harness.journal, files: files)
            let ahead = ReviewCardsAhead(builder: builder)
            // The third line is not run: its card is made at the end, as "not started".
            let results = await BatchRunner(session: harness.session, concurrency: 2).run(Array(lines.prefix(2)), events: { _, _ in }) {
                ahead.start($0.line, failure: $0.failure)
            }
            #expect(results.allSatisfy { (try? $0.outcome.get()) != nil }, "\(results.map(\.outcome))")
            let gathered = Mutex<[Int]>([])
            let counting = ReviewBuilder(continuations: harness.continuations, journal: harness.journal, files: files) { made, _ in
                gathered.withLock { $0.append(made) }
            }
            let cards = await counting.cards(for: lines, failures: [:], madeAhead: ahead)
            // Gathered again, the cards made ahead are not made again: their stills stay as written.
            let stills = cards.flatMap { [$0.clipLastFrame, $0.shotFirstFrame].compactMap { $0 } }
            let written = try stills.map { try #require(try FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date) }
            try await Task.sleep(for: .milliseconds(20))
            #expect(await builder.cards(for: lines, failures: [:], madeAhead: ahead) == cards)
            #expect(try stills.map { try FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date } == written)
            // The same cards as those made all at the end.
            let atTheEnd = await builder.cards(for: lines)
            #expect(cards == atTheEnd)
            #expect(cards.map(\.line) == [1, 2, 3])
            #expect(cards.prefix(2).allSatisfy { $0.state == "done" && $0.clipLastFrame != nil && $0.shotFirstFrame != nil && $0.seams != nil })
            #expect(cards[2].state == "not started" && cards[2].clipLastFrame == nil)
            // Progress heard every card of the page.
            #expect(gathered.withLock { $0 } == [0, 1, 2])
            // The stills are pictures (ffprobe reads them at the clip's displayed size).
            for still in cards.prefix(2).compactMap(\.clipLastFrame) {
                let report = try await DecodeReport(path: still)
                #expect(report.video?.width == 1280 && report.video?.height == 720)
            }
        }
    }
}
