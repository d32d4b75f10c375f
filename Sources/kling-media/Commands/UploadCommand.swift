import ArgumentParser
import Segmind
import Support
import Uploader

struct UploadCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Turn local files into URLs the model can fetch (Segmind Storage), cached by content.",
        discussion: """
            Each file is streamed from disk as a base64 data URL to Segmind Storage \
            (SEGMIND_UPLOAD_URL, default \(SegmindConfiguration.defaultUploadURL)), so memory stays flat \
            whatever its size. Uploading the same bytes again answers from the cache \
            ($XDG_CACHE_HOME/kling-media/uploads.json) while the URL still answers. An argument that is \
            already an http(s) URL passes through (checked with --check).

            --to s3://bucket/prefix puts files in an S3-compatible bucket instead (AWS_ACCESS_KEY_ID, \
            AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL), SigV4-signed and \
            streamed from disk, multipart above 64 MiB, and answers with a presigned GET URL valid for \
            --expires seconds. Signed URLs are shown without their signature except with --json.

            \(CommandHelp.sections(
                exits: [.success: "uploaded: each file's URL is printed", .unusable: nil, .refused: "the storage refused the key or credentials",
                   .unavailable: nil, .interrupted: nil],
                examples: ["kling-media upload hero.png",
                   "kling-media upload shot.mp4 --to s3://bucket/kling --expires 3600 --json"]))
            """
    )

    @Argument(help: "Files (or URLs) to upload.") var inputs: [String]
    @Option(help: ArgumentHelp("Where to: segmind (Segmind Storage) or s3://bucket/prefix.", valueName: "place"))
    var to = "segmind"
    @Option(help: "Seconds an S3 presigned URL works (at most 604800, S3's limit).") var expires = 86_400
    @Flag(help: "Upload even when the cache knows these bytes.") var noCache = false
    @Flag(help: "Check that URLs given as inputs can be fetched.") var check = false
    @Flag(help: "Print JSON: an array of {input, url, sha256, bytes, cached, passed_through}.") var json = false

    func validate() throws {
        guard to == "segmind" || to.hasPrefix("s3://") else { throw ValidationError("--to takes segmind or s3://bucket/prefix") }
        guard (1...604_800).contains(expires) else { throw ValidationError("--expires must be 1 to 604800 seconds") }
    }

    func run() async throws {
        let backend: any UploadBackend
        if to == "segmind" {
            backend = SegmindStorage(configuration: try CommandSession.userConfiguration())
        } else {
            do { backend = try S3Storage(destination: to, expiry: expires) } catch {
                throw Terminal.fail(error, status: .unusable)
            }
        }
        let uploader = FileUploader(backend: backend, cache: noCache ? nil : UploadCache(path: UploadCache.defaultPath()))
        let line = StatusLine(wanted: !json)
        var results: [UploadReport] = []
        var worst = ExitStatus.success
        for input in inputs {
            do {
                let report = try await Interruption.cancellingOnInterrupt {
                    try await Self.resolve(input, uploader: uploader, check: check, line: line)
                }
                line.finish()
                results.append(report)
                if !json {
                    // A signed URL's query is a credential: shown only where the user asked for it (--json).
                    let shown = Redaction.url(report.url)
                    let note = report.cached ? " (cached)" : report.passedThrough ? " (as given)" : ""
                    Terminal.print("\(input) → \(shown)\(note)" + (shown == report.url ? "" : " (signed; --json shows it whole)"))
                }
            } catch let error as UploadError {
                line.finish()
                Terminal.report(error)
                if case .transport(.cancelled) = error { throw ExitStatus.interrupted.code }
                worst = Self.worse(worst, error)
            }
        }
        if json { JSONOutput.print(results) }
        if worst != .success { throw worst.code }
    }

    static func resolve(_ input: String, uploader: FileUploader, check: Bool, line: StatusLine) async throws(UploadError) -> UploadReport {
        if URLText.isHTTP(input) {
            if check { try await Reachability.check(input) }
            return UploadReport(input: input, url: input, sha256: nil, bytes: nil, cached: false, passedThrough: true)
        }
        let meter = TransferMeter(label: URL(fileURLWithPath: input).lastPathComponent, line: line)
        let uploaded = try await uploader.upload(input) { meter.show($0.bytesSent, of: $0.bytesToSend) }
        return UploadReport(input: input, url: uploaded.url, sha256: uploaded.sha256, bytes: uploaded.bytes,
                            cached: uploaded.cached, passedThrough: false)
    }

    private static func worse(_ current: ExitStatus, _ error: UploadError) -> ExitStatus {
        switch error {
        case .unreadable: return .unusable
        case .refused(let status, _) where status == 401 || status == 403: return .refused
        default: return current == .unusable ? current : .unavailable
        }
    }
}

struct UploadReport: Encodable {
    let input: String
    let url: String
    let sha256: String?
    let bytes: Int64?
    let cached: Bool
    let passedThrough: Bool

    enum CodingKeys: String, CodingKey {
        case input, url, sha256, bytes, cached
        case passedThrough = "passed_through"
    }
}

/// "shot.mp4: 12.3 MB of 45.6 MB, 5.1 MB/s, 7 s left" on the status line.
final class TransferMeter: Sendable {
    private let label: String
    private let line: StatusLine
    private let started = ContinuousClock.now

    init(label: String, line: StatusLine) {
        self.label = label
        self.line = line
    }

    func show(_ done: Int64, of total: Int64?) {
        let seconds = started.duration(to: .now).inSeconds
        var text = "\(label): \(Formatting.bytes(done))"
        if let total { text += " of \(Formatting.bytes(total))" }
        if seconds > 0.5, done > 0 {
            let rate = Double(done) / seconds
            text += ", \(Formatting.bytes(Int64(rate)))/s"
            if let total, total > done { text += ", \(Int((Double(total - done) / rate).rounded())) s left" }
        }
        line.show(text)
    }
}
