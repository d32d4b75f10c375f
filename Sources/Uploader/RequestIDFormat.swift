/// What a Segmind request id may look like before it goes into a URL path or a file name:
/// ASCII letters, digits and `-`, 1 to 64 of them (Segmind's are UUIDs). Anything else, such as
/// `../../x`, is refused before a request is made or a file is written.
public enum RequestIDFormat {
    public static let maxLength = 64

    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maxLength
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
    }
}
