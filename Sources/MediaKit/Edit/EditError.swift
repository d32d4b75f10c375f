import Support
/// Why `conform` or `stitch` could not make its output. Nothing is left at the output path in any
/// of these cases, and the inputs are never touched.
public enum EditError: Error, Equatable, CustomStringConvertible {
    case unreadable(ProbeError)
    case noVideo(String)
    case invalidOption(String)
    case outputIsAnInput(String)
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
        case .nothingLeft(let path, let seconds):
            return "\(path): trimming leaves \(Formatting.seconds(seconds)) of it, too little to make a clip"
        case .failed(let path, let error): return "\(path): could not be converted (FFmpeg: \(error))"
        case .unwritable(let path, let error): return "\(path): cannot write the output (\(error))"
        case .cancelled: return "interrupted; no output was written"
        }
    }
}
