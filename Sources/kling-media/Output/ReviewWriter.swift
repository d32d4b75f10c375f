import Journal
import Pipeline
import Support

/// Writes a review page and the pictures it shows (in `review-files/` beside it). The page is a
/// view of the journal, made again each time: the one already there is replaced.
enum ReviewWriter {
    struct Written {
        let page: String
        let cards: Int
    }

    /// The folder of the page's pictures, `review-files/` beside it, made if missing.
    static func files(beside page: String) throws -> String {
        let files = URL(fileURLWithPath: page).deletingLastPathComponent().path + "/review-files"
        try Folders.make(files)
        return files
    }

    static func write(page: String, title: String, continuations: ContinuationStore, journal: JobJournal,
                      cards gather: (ReviewBuilder) async throws -> [ReviewCard]) async throws -> Written {
        let folder = URL(fileURLWithPath: page).deletingLastPathComponent().path
        let files = try files(beside: page)
        let line = StatusLine()
        defer { line.finish() }
        let builder = ReviewBuilder(continuations: continuations, journal: journal, files: files) { made, all in
            line.show("review page: card \(made + 1) of \(all)")
        }
        let cards = try await gather(builder)
        let html = ReviewPage.html(cards, title: title, folder: folder)
        try AtomicFile.write(Array(html.utf8), to: page, permissions: [.ownerReadWrite, .groupRead, .otherRead], replacing: true)
        return Written(page: page, cards: cards.count)
    }
}
