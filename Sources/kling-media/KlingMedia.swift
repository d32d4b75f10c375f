import ArgumentParser
import MediaKit
import Support

struct KlingMedia: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kling-media",
        abstract: "Kling O1 video-to-video reference on Segmind: check clips before paying, submit, wait, never lose a job.",
        discussion: ExitStatus.summary,
        version: Versions.summary,
        subcommands: [ContinueCommand.self, BatchCommand.self, ResumeCommand.self,
                      ProbeCommand.self, ScenesCommand.self, ValidateCommand.self, ConformCommand.self, FrameCommand.self, StitchCommand.self,
                      SubmitCommand.self, StatusCommand.self, WaitCommand.self, JobsCommand.self,
                      UploadCommand.self, DownloadCommand.self, ReviewCommand.self, SimulatorForwarding.self]
    )
}

/// The entry point. ArgumentParser's own `main()` exits 64 on a usage error; this tool documents
/// 2 for unusable arguments, so parsing errors are mapped here.
@main
enum Main {
    static func main() async {
        MemoryArenas.keepMallocLean()
        // A reader that goes away (`| tee log` ended by the same Ctrl-C, `| head`) must not end a
        // run: by default the next line written killed it on the spot (SIGPIPE), between a POST that
        // had left and the answer that carries its request id, or in the middle of saving a paid-for
        // shot. Ignored, a write to a closed pipe fails (EPIPE), which `Terminal` lets pass.
        signal(SIGPIPE, SIG_IGN)
        var parsed: (any ParsableCommand)?
        do {
            var command = try KlingMedia.parseAsRoot()
            parsed = command
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let status = KlingMedia.exitCode(for: error)
            if FailureDocument.wanted(by: parsed) {
                let documented = status == .validationFailure ? ExitStatus.unusable.code : status
                FailureDocument.printIfOwed(status: documented.rawValue, fallbackMessage: KlingMedia.message(for: error))
            }
            if status == .validationFailure {
                Terminal.printError(KlingMedia.fullMessage(for: error))
                KlingMedia.exit(withError: ExitStatus.unusable.code)
            }
            KlingMedia.exit(withError: error)
        }
    }
}
