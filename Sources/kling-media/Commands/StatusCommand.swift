import ArgumentParser
import Journal
import Segmind
import Support

struct StatusCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Ask Segmind where a job stands (one request), and note it in the journal.",
        discussion: """
            ID is a request id, a journal id, or an unambiguous prefix.

            \(CommandHelp.sections(
                exits: [.success: "the job is known: its state is printed (QUEUED, PROCESSING, COMPLETED)", .unusable: nil,
                   .jobFailed: nil, .refused: nil, .unavailable: nil, .notFound: nil, .interrupted: nil],
                examples: ["kling-media status 0f8e3c2a",
                   "kling-media status 0f8e3c2a --json",
                   "kling-media status 0f8e3c2a --simulate"]))
            """
    )

    @Argument(help: "The job's request id (or a prefix of it).") var id: String
    @OptionGroup var simulation: SimulationOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let context = try JobContext.load("status \(id)", simulate: simulation.simulate, notices: NoticePrinter(line: StatusLine(wanted: !json), json: json))
        defer { context.command.close() }
        let (record, requestID) = try context.submittedJob(id)
        let location = record.location ?? JobLocation(requestID: requestID)
        do {
            let report = try await Interruption.cancellingOnInterrupt {
                try await context.client.status(of: requestID, statusURL: location.statusURL)
            }
            var result: JobResult?
            if report.status == .completed, record.resultURLs.isEmpty {
                // Known the moment it is known: the record expires in an hour, the file later.
                result = try? await context.client.result(of: requestID, responseURL: location.responseURL)
            }
            let saved = context.note(record) {
                $0.state = $0.state == .downloaded ? .downloaded : JobRecord.State(report.status)
                $0.error = report.error
                if let result {
                    $0.outputURL = result.outputURL
                    $0.outputURLs = result.outputURLs
                }
            }
            render(saved, status: report.status.rawValue)
            if report.status == .failed { throw ExitStatus.jobFailed.code }
        } catch let error as APIError {
            guard case .notFound = error else { throw Terminal.fail(error, status: ExitStatus(error)) }
            // Only a job the journal already knows is marked: a mistyped id leaves no record.
            var saved = record
            if context.isJournaled(record) {
                saved = context.note(record) { if $0.resultURLs.isEmpty && $0.state != .downloaded { $0.state = .expired } }
            }
            render(saved, status: "NOT_FOUND")
            // An expired record whose output we kept is no loss: `wait` still downloads it.
            if saved.resultURLs.isEmpty { throw Terminal.fail(error, status: .notFound) }
        }
    }

    private func render(_ record: JobRecord, status: String) {
        if json {
            JSONOutput.print(JobSummary(record, status: status))
            return
        }
        var line = "\(record.requestID?.rawValue ?? record.localID): \(status)"
        line += ", submitted \(RelativeTime.describe(record.submittedAt))"
        let expiry = record.recordExpiresAt
        line += expiry > Date() ? ", record expires \(RelativeTime.describe(expiry))" : ", record expired"
        Terminal.print(line)
        if let error = record.error, status == JobStatus.failed.rawValue { Terminal.print("  error: \(error)") }
        // Result URLs may be signed: whole only in --json.
        if let url = record.outputURL { Terminal.print("  output: \(Redaction.url(url))") }
    }
}
