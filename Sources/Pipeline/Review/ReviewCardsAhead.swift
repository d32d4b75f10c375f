import Synchronization

/// A batch's review cards, each made as its line finishes: their stills are frame grabs (a decode
/// from the clip's last keyframe each), about 0.2 s a card on this machine, so a page of 100 lines
/// made at the end kept the batch 17 s past its last result. Made along the way, they queue with
/// the other media work while the batch waits for Segmind, and the page at the end only gathers them.
public final class ReviewCardsAhead: Sendable {
    private let builder: ReviewBuilder
    // The card of each line started so far, by line number.
    private let started = Mutex<[Int: Task<ReviewCard, Never>]>([:])

    public init(builder: ReviewBuilder) {
        self.builder = builder
    }

    /// Starts the card of a line that just finished (`failure`: the error that stopped it).
    public func start(_ line: BatchLine, failure: String?) {
        let builder = builder
        let task = Task { await builder.card(for: line, failure: failure) }
        started.withLock { $0[line.number] = task }
    }

    /// Every line's card, in the file's order: those started, once made, and the others made now
    /// by `builder` (whose progress hears them all).
    public func cards(for lines: [BatchLine], failures: [Int: String], builder: ReviewBuilder) async -> [ReviewCard] {
        var cards: [ReviewCard] = []
        for line in lines {
            builder.progress(cards.count, lines.count)
            if let task = started.withLock({ $0[line.number] }) {
                cards.append(await task.value)
            } else {
                cards.append(await builder.card(for: line, failure: failures[line.number]))
            }
        }
        return cards
    }
}
