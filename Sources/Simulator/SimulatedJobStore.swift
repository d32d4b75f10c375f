import Support

/// The simulator's jobs on disk (`--state-dir`): one JSON file per job, written whole. A simulator
/// started again, or another sharing the folder (two `--simulate` runs at once), reads a job it
/// does not hold from here, so a simulated job can be waited for after a Ctrl-C or a restart, as a
/// real one can.
struct SimulatedJobStore: Sendable {
    let directory: String

    init(directory: String) throws(PrivateFolderError) {
        self.directory = directory
        try PrivateFolder.make(directory)
    }

    func save(_ job: SimulatedJob) {
        guard let bytes = try? JSONEncoder().encode(job) else { return }
        try? AtomicFile.write(Array(bytes), to: path(job.id))
    }

    func load(_ id: String) -> SimulatedJob? {
        // Ids are the simulator's own UUIDs; anything else (a path, say) is not one of its files.
        guard !id.isEmpty, id.allSatisfy({ $0.isHexDigit || $0 == "-" }),
              let bytes = FileManager.default.contents(atPath: path(id)) else { return nil }
        return try? JSONDecoder().decode(SimulatedJob.self, from: bytes)
    }

    private func path(_ id: String) -> String { directory + "/" + id + ".json" }
}
