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

    /// Makes `folder` (and its parents) if missing and checks that a file can be made in it: where a
    /// result will be saved, asked before the result is paid for.
    public static func makeWritable(_ folder: String) throws(FolderError) {
        try make(folder)
        try checkWritable(folder)
    }

    /// Whether a file can be made in `folder`, by making one (and removing it): the one test that
    /// permissions, ACLs, a read-only mount and a full quota all answer truly. Its name is its own
    /// (a batch checks one folder for many lines at once: a name per process made them collide).
    public static func checkWritable(_ folder: String) throws(FolderError) {
        let probe = folder + "/.kling-media-write-check-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        do {
            let descriptor = try FileDescriptor.open(FilePath(probe), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                                                     permissions: .ownerReadWrite)
            try? descriptor.close()
            SystemCalls.remove(probe)
        } catch {
            throw .notWritable(folder, error as? Errno ?? .ioError)
        }
    }
}

public enum FolderError: Error, Equatable, CustomStringConvertible {
    /// The folder (`path` itself or one of its parents) that could not be made, and why.
    case cannotMake(String, Errno)
    /// Something other than a folder is there.
    case notAFolder(String)
    /// No file can be made in the folder.
    case notWritable(String, Errno)

    public var description: String {
        switch self {
        case .cannotMake(let folder, let error): return "cannot make \(folder): \(error)"
        case .notAFolder(let path): return "\(path) is not a folder"
        case .notWritable(let folder, let error): return "cannot write in \(folder): \(error)"
        }
    }
}
