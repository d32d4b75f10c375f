/// The format a still is written in, decided by the output's extension.
public enum PictureFormat: String, Sendable, Equatable, CaseIterable {
    case png
    case jpeg

    /// The format for an output named `path`: `.png`, `.jpg` or `.jpeg` (any case); nil for any other.
    public init?(forOutput path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        default: return nil
        }
    }

    /// The extensions taken, for messages.
    public static let choices = ".png (PNG) or .jpg (JPEG)"
}
