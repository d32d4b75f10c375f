import Journal
import MediaKit
import Support

/// Gathers the cards of a review page from the journal: for a batch's lines (the continuation each
/// made, found by what it asked) or for every continuation whose result lies in a folder. The
/// stills each card shows are made into `files` (a folder beside the page); a result's joints are
/// those journalled when it was stitched, looked at again only when their sheet is gone or they
/// were never looked at.
public struct ReviewBuilder: Sendable {
    public let continuations: ContinuationStore
    public let journal: JobJournal
    /// Where the page's own pictures go.
    public let files: String
    /// Hears (cards made, cards in all) as the cards are made: each takes a frame grab or two.
    public let progress: @Sendable (Int, Int) -> Void

    public init(continuations: ContinuationStore, journal: JobJournal, files: String,
                progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) {
        self.continuations = continuations
        self.journal = journal
        self.files = files
        self.progress = progress
    }

    /// A card per line, in the file's order; `failures` are the errors of lines that stopped this run.
    /// Cards already made (or being made) as their lines finished are taken from `madeAhead`.
    public func cards(for lines: [BatchLine], failures: [Int: String] = [:], madeAhead: ReviewCardsAhead? = nil) async -> [ReviewCard] {
        var cards: [ReviewCard] = []
        for line in lines {
            progress(cards.count, lines.count)
            if let made = await madeAhead?.card(for: line) {
                cards.append(made)
            } else {
                cards.append(await card(for: line, failure: failures[line.number]))
            }
        }
        return cards
    }

    /// The card of one line, as its continuation stands in the journal; `failure` is the error that
    /// stopped it this run, if one did.
    public func card(for line: BatchLine, failure: String? = nil) async -> ReviewCard {
        let record = (try? ContinuationRunner.contentHashes(line.request)).flatMap { hashes in
            try? continuations.newest(key: line.request.key(contentHashes: hashes))
        }
        if let record { return await card(for: record, line: line.number) }
        return ReviewCard(line: line.number, clip: line.request.source, prompt: line.request.prompt, state: "not started",
                          error: failure, requestIDs: [], video: nil, clipLastFrame: nil, shotFirstFrame: nil, seams: nil)
    }

    /// A card per continuation whose result (or shot) lies in `folder`, oldest first.
    public func cards(inFolder folder: String) async throws(PipelineError) -> [ReviewCard] {
        let records = try Self.continuations(inFolder: folder, of: continuations)
        var cards: [ReviewCard] = []
        for record in records {
            progress(cards.count, records.count)
            cards.append(await card(for: record, line: nil))
        }
        return cards
    }

    /// The continuations whose result or shots are in `folder`, oldest first.
    public static func continuations(inFolder folder: String, of store: ContinuationStore) throws(PipelineError) -> [ContinuationRecord] {
        let prefix = URL(fileURLWithPath: folder).standardizedFileURL.path + "/"
        return try journalled { () throws(JournalError) in try store.all() }
            .filter { record in ([record.outputPath].compactMap { $0 } + record.shotPaths).contains { $0.hasPrefix(prefix) } }
            .sorted { $0.createdAt < $1.createdAt }
    }

    private func card(for record: ContinuationRecord, line: Int?) async -> ReviewCard {
        let requestIDs = record.jobs.compactMap { $0.flatMap { try? journal.job(localID: $0) }?.requestID?.rawValue }
        let firstShot = record.shotPaths.first.flatMap { SystemCalls.exists($0) ? $0 : nil }
        let video = record.outputPath.flatMap { SystemCalls.exists($0) ? $0 : nil } ?? record.shotPaths.last(where: SystemCalls.exists)
        let name = "\(line.map { "line\($0)-" } ?? "")\(record.localID.prefix(12))"
        let clipLast = await still(of: record.request.source, at: .last, named: "\(name)-clip-last.jpg")
        var shotFirst: String?
        if let firstShot { shotFirst = await still(of: firstShot, at: .first, named: "\(name)-shot-first.jpg") }
        var seams: SeamReport?
        if let output = record.outputPath, SystemCalls.exists(output) {
            if let known = record.seams, let sheet = known.sheet, SystemCalls.exists(sheet) {
                seams = known
            } else {
                seams = await self.seams(of: output, record: record)
            }
        }
        return ReviewCard(line: line, clip: record.request.source, prompt: record.request.prompt, state: record.state.rawValue,
                          error: record.error, requestIDs: requestIDs, video: video, clipLastFrame: clipLast, shotFirstFrame: shotFirst,
                          seams: seams)
    }

    private func still(of clip: String, at position: FramePosition, named name: String) async -> String? {
        let path = files + "/" + name
        guard (try? await FrameGrab.write(from: clip, at: position, to: path, replacing: true)) != nil else { return nil }
        return path
    }

    /// The joints of a stitched result: where each shot starts, by the lengths of what came before it.
    private func seams(of output: String, record: ContinuationRecord) async -> SeamReport? {
        let parts = [record.request.source] + record.shotPaths.dropLast()
        var spans: [SeamSpan] = []
        var start = 0.0
        for part in parts {
            guard let info = try? Probe.file(atPath: part), let seconds = info.primaryVideo?.duration ?? info.format.duration else { return nil }
            start += seconds - (spans.isEmpty ? 0 : record.request.crossfade)
            spans.append(SeamSpan(before: start - record.request.crossfade, after: start))
        }
        return try? await SeamReview.review(output, joints: spans, sheet: SeamReview.sheetPath(for: output))
    }
}
