import Support
/// Why `conform` or `stitch` could not make its output. Nothing is left at the output path in any
/// of these cases, and the inputs are never touched.
public enum EditError: Error, Equatable, CustomStringConvertible {
    case unreadable(ProbeError)
    case noVideo(String)
    case invalidOption(String)
    case outputIsAnInput(String)
    /// A file is at the output and replacing it was not asked for.
    case outputExists(String)
    /// The output's extension names no container written here.
    case unsupportedContainer(String)
    /// A stitch made ahead does not fit the shot that came (`StitchAhead`); nothing was written.
    case predictionMissed(String)
    case nothingLeft(String, seconds: Double)
    case failed(String, FFmpegError)
    case unwritable(String, FFmpegError)
    case cancelled

    public var description: String {
        switch self {
        case .unreadable(let error): return error.description
        case .noVideo(let path): return "\(path): has no video stream"
        case .invalidOption(let reason): return reason
        case .outputIsAnInput(let path): return "\(path): the output would overwrite an input; choose another -o"
        case .outputExists(let path): return "\(path): already exists; it was left as it was"
        case .predictionMissed(let reason): return "the stitch made ahead does not fit: \(reason)"
        case .unsupportedContainer(let path):
            return "\(path): the output's extension decides its container: \(VideoContainer.choices)"
        case .nothingLeft(let path, let seconds):
            return "\(path): trimming leaves \(Formatting.seconds(seconds)) of it, too little to make a clip"
        case .failed(let path, let error): return "\(path): could not be converted (FFmpeg: \(error))"
        case .unwritable(let path, let error): return "\(path): cannot write the output (\(error))"
        case .cancelled: return "interrupted; no output was written"
        }
    }
}
