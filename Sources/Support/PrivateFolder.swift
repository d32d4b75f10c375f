import SystemPackage

/// The folders kling-media keeps its own files in (the journal, the upload cache, what it has
/// learned): private to their owner. Made 0700 when created, and put back to 0700 whenever they
/// are opened, so a folder someone loosened (or an older version made) does not stay open.
public enum PrivateFolder {
    public static func make(_ path: String) throws(PrivateFolderError) {
        do throws(FolderError) { try Folders.make(path, .ownerReadWriteExecute) } catch {
            throw .unusable(path, error.description)
        }
        do {
            let status = try FilePath(path).stat()
            // Only its owner may (and needs to) tighten it; another user's folder is left to them.
            if !status.permissions.isDisjoint(with: [.groupReadWriteExecute, .otherReadWriteExecute]),
               status.userID.rawValue == SystemCalls.userID {
                try SystemCalls.setPermissions(path, .ownerReadWriteExecute)
            }
        } catch {
            throw .unusable(path, "\(error)")
        }
    }
}

public enum PrivateFolderError: Error, Equatable, CustomStringConvertible {
    case unusable(String, String)

    /// Why, without the path: for callers that name the folder in their own words.
    public var reason: String {
        switch self { case .unusable(_, let reason): return reason }
    }

    public var description: String {
        switch self { case .unusable(let path, let reason): return "\(path): cannot use it as a private folder (\(reason))" }
    }
}

/// Where kling-media's own files live, after the XDG base directory specification.
public enum AppFolders {
    /// `$XDG_STATE_HOME/kling-media`, or `~/.local/state/kling-media`: the journal, what was learned.
    public static func state(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (nonEmpty(environment["XDG_STATE_HOME"]) ?? (nonEmpty(environment["HOME"]) ?? "") + "/.local/state") + "/kling-media"
    }

    /// `$XDG_CACHE_HOME/kling-media`, or `~/.cache/kling-media`: the upload cache.
    public static func cache(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (nonEmpty(environment["XDG_CACHE_HOME"]) ?? (nonEmpty(environment["HOME"]) ?? "") + "/.cache") + "/kling-media"
    }

    /// `$XDG_CONFIG_HOME/kling-media`, or `~/.config/kling-media`: the config file.
    public static func config(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (nonEmpty(environment["XDG_CONFIG_HOME"]) ?? (nonEmpty(environment["HOME"]) ?? "") + "/.config") + "/kling-media"
    }

    /// A simulation's state: `simulation/` in the state folder, never mixed with real jobs.
    public static func simulationState(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        state(environment: environment) + "/simulation"
    }

    /// A simulation's cache: `simulation/` in the cache folder (its uploads, the simulator's files).
    public static func simulationCache(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        cache(environment: environment) + "/simulation"
    }

    /// The variable's folder, without a trailing slash (HOME=/ gives "/.local", not "//.local").
    private static func nonEmpty(_ value: String?) -> String? {
        value.flatMap { $0.isEmpty ? nil : $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }
}
