import SystemPackage

/// The POSIX calls swift-system does not wrap, each once, with its failure as an `Errno`: the one
/// place the C library is called by hand. Everything else goes through `FileDescriptor`.
public enum SystemCalls {
    /// The current `errno`, typed.
    public static var lastError: Errno { Errno(rawValue: errno) }

    /// Flushes a file's data and metadata to the disk.
    public static func sync(_ descriptor: FileDescriptor) throws(Errno) {
        guard fsync(descriptor.rawValue) == 0 else { throw lastError }
    }

    /// Flushes a folder's entries (a rename or a new file in it) to the disk. Best effort: some
    /// file systems refuse to sync a folder, and nothing more can be done then.
    public static func syncFolder(_ path: String) {
        guard let folder = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.directory, .closeOnExec]) else { return }
        _ = fsync(folder.rawValue)
        try? folder.close()
    }

    /// Flushes every file system's pending writes (after a batch of writes each left unflushed).
    public static func syncAll() {
        CLibrary.sync()
    }

    public static func rename(_ from: String, to: String) throws(Errno) {
        guard CLibrary.rename(from, to) == 0 else { throw lastError }
    }

    /// Moves `from` to `to` only if nothing is there (`Errno.fileExists` otherwise), atomically:
    /// a hard link fails rather than replace, then the old name goes. A file system without hard
    /// links (some network and FUSE ones) gets a look first and a rename: a race is possible there.
    public static func renameWithoutReplacing(_ from: String, to: String) throws(Errno) {
        if link(from, to) == 0 {
            remove(from)
            return
        }
        let error = lastError
        switch error {
        case .notPermitted, .notSupported, Errno(rawValue: EOPNOTSUPP), .tooManyLinks, .improperLink:
            if exists(to) { throw .fileExists }
            try rename(from, to: to)
        default:
            throw error
        }
    }

    /// Removes a file; one that is already gone is no error.
    public static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Makes one folder (its parent must exist) with `permissions`, as the umask allows.
    public static func makeFolder(_ path: String, _ permissions: FilePermissions) throws(Errno) {
        guard mkdir(path, mode_t(permissions.rawValue)) == 0 else { throw lastError }
    }

    /// Bytes a user (not root's reserve) can still write on the file system that holds `path`;
    /// nil when the system will not say.
    public static func freeBytes(in path: String) -> Int64? {
        var facts = statvfs()
        guard statvfs(path, &facts) == 0 else { return nil }
        return Int64(facts.f_bavail) * Int64(facts.f_frsize)
    }

    /// The device of the file system that holds `path` (two paths on one disk share it); nil when
    /// it cannot be asked.
    public static func fileSystem(of path: String) -> UInt64? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return UInt64(truncatingIfNeeded: status.st_dev)   // dev_t is signed on Darwin
    }

    public static func setPermissions(_ path: String, _ permissions: FilePermissions) throws(Errno) {
        guard chmod(path, mode_t(permissions.rawValue)) == 0 else { throw lastError }
    }

    /// Takes the advisory lock on an open file: exclusive, waiting for it unless `wait` is false.
    /// False when `wait` is false and another process holds it.
    public static func lock(_ descriptor: FileDescriptor, wait: Bool = true) throws(Errno) -> Bool {
        while flock(descriptor.rawValue, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let error = lastError
            if error == .interrupted { continue }
            if error == .wouldBlock || error == .resourceTemporarilyUnavailable { return false }
            throw error
        }
        return true
    }

    public static func unlock(_ descriptor: FileDescriptor) {
        _ = flock(descriptor.rawValue, LOCK_UN)
    }

    /// Whether a descriptor is a terminal.
    public static func isTerminal(_ descriptor: FileDescriptor) -> Bool {
        isatty(descriptor.rawValue) != 0
    }

    /// This process's id.
    public static var processID: Int32 { Int32(getpid()) }

    /// Whether the process `id` is still running (one of another user's counts: it exists).
    public static func isRunning(_ id: Int32) -> Bool {
        kill(pid_t(id), 0) == 0 || errno == EPERM
    }

    /// This process's user.
    public static var userID: UInt32 { UInt32(getuid()) }

    /// Whether something is at `path` (a file, a folder, a dangling link does not count).
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Whether `path` is a folder (following links).
    public static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
