import ArgumentParser
import Journal
import Pipeline
import Support

struct ReviewCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Write a review page (review.html) for past work: a batch file's lines, or the continuations in a folder.",
        discussion: """
            One card per continuation, from the journal: its state and request ids, the prompt, the \
            result as a video, the clip's last frame beside the shot's first, the seam sheet and \
            each joint's scores. One static HTML file and the pictures it names (in review-files/ \
            beside it), by relative paths: copy the folder and it still works. No scripts, nothing \
            from the internet; it reads on a phone. `batch` writes one by itself.

            Given a batch file (.jsonl), a card per line; given a folder, a card for every \
            continuation whose result or shots are in it, oldest first. The page (default \
            review.html in the folder, or beside the batch file) is made again each time.

            \(CommandHelp.sections(
                exits: [.success: nil, .unusable: "a batch file that cannot be read, a folder that is not one, a page that cannot be written"],
                examples: ["kling-media review takes.jsonl", "kling-media review ~/renders", "kling-media review takes.jsonl -o /tmp/takes.html --json"]))
            """
    )

    @Argument(help: "A batch file (.jsonl) or a folder of results.") var source: String
    @Option(name: .shortAndLong, help: "The page to write (default: review.html in the folder, or beside the batch file).") var output: String?
    @Flag(help: "Look in the built-in simulator's journal (its runs are kept apart from real ones).") var simulate = false
    @Flag(help: "Print JSON: {page, cards}.") var json = false

    func run() async throws {
        guard SystemCalls.exists(source) else { throw Terminal.fail(ReviewSourceError(path: source), status: .unusable) }
        let isFolder = SystemCalls.isDirectory(source)
        let folder = isFolder ? source : URL(fileURLWithPath: source).deletingLastPathComponent().path
        let page = output ?? URL(fileURLWithPath: folder).appendingPathComponent("review.html").path
        let journal = try JobContext.openJournal(simulated: simulate)
        let written: ReviewWriter.Written
        do {
            let source = source
            let continuations = try ContinuationStore(journal: journal)
            written = try await ReviewWriter.write(page: page, title: "kling-media review: \(source)", continuations: continuations,
                                                   journal: journal) { builder in
                if isFolder { return try await builder.cards(inFolder: source) }
                return await builder.cards(for: try BatchFile.read(source))
            }
        } catch {
            throw Terminal.fail(error, status: .unusable)
        }
        if json {
            JSONOutput.print(ReviewReport(page: written.page, cards: written.cards))
        } else {
            Terminal.print(written.page)
            Terminal.printError("\(written.cards) card\(written.cards == 1 ? "" : "s")" + (written.cards == 0 && isFolder && !simulate
                ? Self.simulatedHint(folder: source) : ""))
        }
    }

    /// For an empty page of a folder: the continuations there that the simulator's journal holds
    /// (the first hour's runs are simulated, and kept apart from real ones).
    private static func simulatedHint(folder: String) -> String {
        let directory = Session.Folders.simulation().journal
        guard SystemCalls.exists(directory), let journal = try? JobJournal(directory: directory),
              let store = try? ContinuationStore(journal: journal),
              let count = try? ReviewBuilder.continuations(inFolder: folder, of: store).count, count > 0 else { return "" }
        return "; the simulator's journal has \(count) continuation\(count == 1 ? "" : "s") there: add --simulate "
            + "(`kling-media review \(Formatting.quoted(folder)) --simulate`)"
    }
}

struct ReviewReport: Encodable {
    let page: String
    let cards: Int
}

struct ReviewSourceError: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path): no such batch file or folder" }
}
