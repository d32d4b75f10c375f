import ArgumentParser
import MediaKit
import Support

/// `--overwrite`, and the output checks every command that writes a file makes before any work:
/// a file already there is refused without it (as ffmpeg's `-n`), and the extension must name a
/// format the command writes.
struct OverwriteOption: ParsableArguments {
    @Flag(help: "Replace a file already at the output (without it, an existing file is refused).")
    var overwrite = false

    /// A clip output: `.mp4` or `.mov`, not already there unless --overwrite.
    func checkClip(_ path: String) throws {
        try Self.checkContainer(path)
        try checkFree(path)
    }

    /// `.mp4` or `.mov`.
    static func checkContainer(_ path: String) throws {
        guard VideoContainer(forOutput: path) != nil else {
            throw ValidationError("\(path): the output's extension decides its container: \(VideoContainer.choices)")
        }
    }

    /// A still output: `.png` or `.jpg`, not already there unless --overwrite.
    func checkPicture(_ path: String) throws {
        guard PictureFormat(forOutput: path) != nil else {
            throw ValidationError("\(path): the output's extension decides its format: \(PictureFormat.choices)")
        }
        try checkFree(path)
    }

    func checkFree(_ path: String) throws {
        if !overwrite, SystemCalls.exists(path) {
            throw ValidationError("\(path) already exists; add --overwrite to replace it, or choose another -o")
        }
    }
}
