import SystemPackage

/// What a path holds, asked without opening it.
public enum FileFacts {
    /// The size of the regular file at `path`; a folder, a device or a missing file is an error.
    public static func regularFileSize(_ path: String) throws(FileFactsError) -> Int64 {
        let status: Stat
        do { status = try FilePath(path).stat() } catch {
            throw .unreadable(path, "\(error)")
        }
        guard status.type == .regular else { throw .unreadable(path, "not a regular file") }
        return status.size
    }

}

public enum FileFactsError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, String)

    /// The reason alone, for callers that name the file in their own words.
    public var reason: String {
        switch self { case .unreadable(_, let reason): return reason }
    }

    public var description: String {
        switch self { case .unreadable(let path, let reason): return "\(path): \(reason)" }
    }
}
