import ArgumentParser
import Journal
import Support

struct JobsCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List the jobs in the journal: state, age, how long Segmind keeps the record, output.",
        discussion: """
            Reads the journal only; it sends nothing. The journal lives in $XDG_STATE_HOME/kling-media/jobs \
            (or ~/.local/state/kling-media/jobs); the simulation's (--simulate) in simulation/jobs beside it.

            \(CommandHelp.sections(
                exits: [.success: nil, .unusable: "unusable arguments, or a journal that cannot be read"],
                examples: ["kling-media jobs", "kling-media jobs --json", "kling-media jobs --simulate"]))
            """
    )

    @OptionGroup var simulation: SimulationOption
    @Flag(help: "Print JSON: an array of {request_id, local_id, state, submitted_at, record_expires_at, output_url, output_path, error, continuation: {local_id, shot}}.")
    var json = false

    func run() throws {
        let journal = try JobContext.openJournal(simulated: simulation.simulate)
        let records: [JobRecord]
        do { records = try journal.all() } catch { throw Terminal.fail(error, status: .unusable) }
        if json {
            JSONOutput.print(records.map { JobSummary($0) })
            return
        }
        guard !records.isEmpty else {
            if simulation.simulate {
                Terminal.printError("kling-media: no simulated jobs (in \(journal.directory))")
            } else {
                Terminal.printError("kling-media: no real jobs on this machine (in \(journal.directory)). " + JobCount.simulatedNote(command: "jobs"))
            }
            return
        }
        let now = Date()
        let rows = records.map { record -> [String] in
            let expiry = record.recordExpiresAt > now ? RelativeTime.describe(record.recordExpiresAt, now: now) : "expired"
            return [record.requestID?.rawValue ?? "(\(record.localID))", record.state.rawValue,
                    RelativeTime.describe(record.submittedAt, now: now), expiry,
                    record.continuation.map { "\($0.localID.prefix(8)) #\($0.shot)" } ?? "-",
                    record.outputPath ?? record.outputURL.map(Redaction.url) ?? ""]
        }
        Terminal.print(Table.render(header: ["REQUEST ID", "STATE", "SUBMITTED", "RECORD EXPIRES", "CONTINUATION", "OUTPUT"], rows: rows))
    }
}
