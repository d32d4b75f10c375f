/// The MIME type of a file the model takes, by its name.
public enum MediaType {
    public static func of(path: String) -> String {
        let name = path.lowercased()
        let ext = name.split(separator: ".").last.map(String.init) ?? ""
        switch ext {
        case "mp4", "m4v": return "video/mp4"
        case "mov": return "video/quicktime"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        default: return "application/octet-stream"
        }
    }
}
