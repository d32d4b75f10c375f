import ArgumentParser
import Pipeline
import Support

struct DownloadCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a result URL: streamed, resumed after drops, checked to be a video, then saved.",
        discussion: """
            Written to a hidden file beside the target and renamed into place only when complete and \
            readable as a video; an HTML error page or a cut file is an error, not an output. No API key \
            is sent. Without -o the file is named after the URL (sanitised).

            \(CommandHelp.sections(
                exits: [.success: "saved: its path is printed", .unusable: "unusable arguments, an unwritable output, a file over --max-bytes",
                   .unavailable: nil, .interrupted: "interrupted (Ctrl-C); nothing was saved"],
                examples: ["kling-media download https://cdn.example.com/out.mp4",
                   "kling-media download URL -o shot.mp4 --max-bytes 500M"]))
            """
    )

    @Argument(help: "The URL to fetch.") var url: String
    @Option(name: .shortAndLong, help: "Where to save it.") var output: String?
    @OptionGroup var download: DownloadOptions
    @Flag(help: "Print JSON: {url, path}.") var json = false

    func run() async throws {
        guard URLText.isHTTP(url) else {
            throw ValidationError("give an http(s) URL, got '\(url)'")
        }
        let destination = URL(fileURLWithPath: output ?? SafeFileName.from(url: url)).path
        let line = StatusLine(wanted: !json)
        let maxBytes = download.maxBytes
        let url = url
        do {
            _ = try await Interruption.cancellingOnInterrupt {
                try await OutputDownload.fetch([url], to: destination, maxBytes: maxBytes) { line.show(EventText.downloading($0)) }
            }
            line.finish()
        } catch let failure as OutputDownload.Failure {
            line.finish()
            switch failure {
            case .download(.cancelled):
                Terminal.reportFailure("interrupted; nothing was saved")
                throw ExitStatus.interrupted.code
            case .download(let error): throw Terminal.fail(error, status: ExitStatus(error))
            case .noVideo: throw Terminal.fail(failure, status: .unavailable)
            case .unwritable: throw Terminal.fail(failure, status: .unusable)
            }
        }
        if json {
            JSONOutput.print(["url": url, "path": destination])
        } else {
            Terminal.print(destination)
        }
    }
}
