import Journal
import Segmind
import Support
import Uploader

/// What a run of the pipeline works with: the Segmind client, the journal and its continuations,
/// and the uploads (with their cache). `open` is the one place these are set up together.
public struct Session: Sendable {
    public let client: SegmindClient
    public let journal: JobJournal
    public let continuations: ContinuationStore
    public let uploads: SharedUploads
    /// The shots this API host returns, learned; nil to go by the documented shapes only.
    public let shotShapes: ShotShapes?
    /// Whether continuations on this session make their stitch ahead (`RunOptions.stitchAhead`
    /// decides per run); off for a session whose jobs finish in moments, where it is only extra work.
    public let makesStitchesAhead: Bool
    /// The room promised to continuations running now (`RoomCheck`), shared with other processes
    /// when it has a file.
    public let roomPromises: RoomPromises

    public init(client: SegmindClient, journal: JobJournal, uploads: SharedUploads, shotShapes: ShotShapes? = nil,
                makesStitchesAhead: Bool = true, roomPromises: RoomPromises = .inProcess) throws(JournalError) {
        self.client = client
        self.journal = journal
        continuations = try ContinuationStore(journal: journal)
        self.uploads = uploads
        self.shotShapes = shotShapes
        self.makesStitchesAhead = makesStitchesAhead
        self.roomPromises = roomPromises
    }

    /// Where a session keeps its files: the user's state and cache folders, or (for a simulation)
    /// folders of its own, so simulated jobs never mix with real ones.
    public struct Folders: Sendable {
        public var journal: String
        public var uploadCache: String
        public var encodingMemory: String
        public var shotShapes: String
        public var resultPolling: String
        /// Where each key's request budget is shared between processes (`RequestBudget`).
        public var requestBudgets: String
        /// Where the room promised to running continuations is shared between processes (`RoomPromises`).
        public var roomPromises: String

        public init(journal: String, uploadCache: String, encodingMemory: String, shotShapes: String, resultPolling: String,
                    requestBudgets: String, roomPromises: String) {
            self.journal = journal
            self.uploadCache = uploadCache
            self.encodingMemory = encodingMemory
            self.shotShapes = shotShapes
            self.resultPolling = resultPolling
            self.requestBudgets = requestBudgets
            self.roomPromises = roomPromises
        }

        /// The XDG folders (`$XDG_STATE_HOME/kling-media`, `$XDG_CACHE_HOME/kling-media`).
        public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> Folders {
            Folders(journal: JobJournal.defaultDirectory(environment: environment),
                    uploadCache: UploadCache.defaultPath(environment: environment),
                    encodingMemory: RequestEncodingMemory.defaultPath(environment: environment),
                    shotShapes: ShotShapes.defaultPath(environment: environment),
                    resultPolling: ResultPollingMemory.defaultPath(environment: environment),
                    requestBudgets: AppFolders.state(environment: environment) + "/request-budgets",
                    roomPromises: AppFolders.state(environment: environment) + "/room-promises.json")
        }

        /// A simulation's own: `simulation/` beside the real state and cache folders. Kept like the
        /// real ones, so a simulated job can be resumed and a simulated continuation found done.
        public static func simulation(environment: [String: String] = ProcessInfo.processInfo.environment) -> Folders {
            let state = AppFolders.simulationState(environment: environment)
            return Folders(journal: state + "/jobs", uploadCache: AppFolders.simulationCache(environment: environment) + "/uploads.json",
                           encodingMemory: state + "/request-encoding.json", shotShapes: state + "/shot-shapes.json",
                           resultPolling: state + "/result-polling.json", requestBudgets: state + "/request-budgets",
                           // The real runs' file: a simulated run and a real one on one disk share its room.
                           roomPromises: user(environment: environment).roomPromises)
        }
    }

    /// A session for this configuration, its files in `folders`; the client's waits go to `notices`.
    /// `adjust` sets what the command decides about the client (how long a 429 may be waited for).
    public static func open(_ configuration: SegmindConfiguration, folders: Folders,
                            notices: @escaping @Sendable (ClientNotice) -> Void = { _ in },
                            adjust: (inout SegmindClient) -> Void = { _ in }) throws(JournalError) -> Session {
        let budget = RequestBudget.shared(for: configuration,
                                          sharedAt: RequestBudget.path(in: folders.requestBudgets, for: configuration.apiKey))
        var client = SegmindClient(configuration: configuration, budget: budget,
                                   encodingMemory: RequestEncodingMemory(path: folders.encodingMemory))
        client.notices = notices
        client.pollingMemory = ResultPollingMemory(path: folders.resultPolling)
        adjust(&client)
        let uploader = FileUploader(backend: SegmindStorage(configuration: configuration), cache: UploadCache(path: folders.uploadCache))
        return try Session(client: client, journal: try JobJournal(directory: folders.journal), uploads: SharedUploads(uploader: uploader),
                           shotShapes: ShotShapes(path: folders.shotShapes), roomPromises: .shared(at: folders.roomPromises))
    }

    /// A runner for continuations on this session.
    public func runner(events: @escaping PipelineEvents) -> ContinuationRunner {
        ContinuationRunner(session: self, events: events)
    }
}
