import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The folders kling-media keeps its own files in (the journal, the upload cache, what it has
/// learned): private to their owner. Made 0700 when created, and put back to 0700 whenever they
/// are opened, so a folder someone loosened (or an older version made) does not stay open.
public enum PrivateFolder {
    public static func make(_ path: String) throws(PrivateFolderError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unusable(path, "\(error)")
        }
        var status = stat()
        guard stat(path, &status) == 0 else { throw .unusable(path, String(cString: strerror(errno))) }
        // Only its owner may (and needs to) tighten it; another user's folder is left to them.
        if status.st_mode & 0o077 != 0, status.st_uid == getuid(), chmod(path, 0o700) != 0 {
            throw .unusable(path, String(cString: strerror(errno)))
        }
    }
}

public enum PrivateFolderError: Error, Equatable, CustomStringConvertible {
    case unusable(String, String)
    public var description: String {
        switch self { case .unusable(let path, let reason): return "\(path): cannot use it as a private folder (\(reason))" }
    }
}

/// Where kling-media's state lives: `$XDG_STATE_HOME/kling-media`, or `~/.local/state/kling-media`.
public enum StateFolder {
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? "") + "/.local/state"
        return base + "/kling-media"
    }
}
