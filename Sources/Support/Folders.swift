import SystemPackage

/// Makes folders, with the parents they need.
public enum Folders {
    /// Makes `path` and any missing parents, each with `permissions` (as the umask allows); a
    /// folder already there is left as it is. Each missing folder is made here, top down, so that
    /// a failure names the one that could not be made and the system's reason ("cannot make
    /// /.local: Permission denied" in a container whose HOME is /), not Foundation's error dump.
    public static func make(_ path: String, _ permissions: FilePermissions = [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute])
        throws(FolderError) {
        var missing: [String] = []
        var folder = path
        while !folder.isEmpty, folder != "/", !SystemCalls.exists(folder) {
            missing.append(folder)
            folder = FilePath(folder).removingLastComponent().string
        }
        for folder in missing.reversed() {
            do throws(Errno) { try SystemCalls.makeFolder(folder, permissions) } catch {
                guard error == .fileExists else { throw .cannotMake(folder, error) }
            }
        }
        guard SystemCalls.isDirectory(path) else { throw .notAFolder(path) }
    }
}

public enum FolderError: Error, Equatable, CustomStringConvertible {
    /// The folder (`path` itself or one of its parents) that could not be made, and why.
    case cannotMake(String, Errno)
    /// Something other than a folder is there.
    case notAFolder(String)

    public var description: String {
        switch self {
        case .cannotMake(let folder, let error): return "cannot make \(folder): \(error)"
        case .notAFolder(let path): return "\(path) is not a folder"
        }
    }
}
