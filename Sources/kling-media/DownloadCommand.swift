import ArgumentParser
import FoundationEssentials
import Uploader

struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a result URL: streamed, resumed after drops, checked to be a video, then saved.",
        discussion: """
            Written to a hidden file beside the target and renamed into place only when complete and \
            readable as a video; an HTML error page or a cut file is an error, not an output. No API key \
            is sent. Without -o the file is named after the URL (sanitised).

            \(ExitStatus.summary)
            """
    )

    @Argument(help: "The URL to fetch.") var url: String
    @Option(name: .shortAndLong, help: "Where to save it.") var output: String?
    @Flag(help: "Print JSON: {url, path, bytes}.") var json = false

    func run() async throws {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw ValidationError("give an http(s) URL, got '\(url)'")
        }
        let destination = URL(fileURLWithPath: output ?? SafeFileName.from(url: url)).path
        let line = StatusLine(wanted: !json)
        do {
            try await WaitCommand.download(url, to: destination, line: line)
        } catch let error as APIError where error == .cancelled {
            Terminal.printError("kling-media: interrupted; nothing was saved")
            throw ExitStatus.interrupted.code
        }
        if json {
            JSONOutput.print(["url": url, "path": destination])
        } else {
            Terminal.print(destination)
        }
    }
}
