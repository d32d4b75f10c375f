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

    /// The card of `line`, once made, if it was started; nil if not (`ReviewBuilder.cards` makes it then).
    public func card(for line: BatchLine) async -> ReviewCard? {
        guard let task = started.withLock({ $0[line.number] }) else { return nil }
        return await task.value
    }
}
