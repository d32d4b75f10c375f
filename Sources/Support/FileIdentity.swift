import SystemPackage

/// What tells one content of a file from the next without reading it: the file (device, inode),
/// its size and its modification time to the nanosecond. A file rewritten in place or replaced
/// by another at the same path has another identity.
public struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int64
    let modifiedNanoseconds: Int64

    /// The identity of the open file; nil if it cannot be asked.
    public init?(_ descriptor: FileDescriptor) {
        guard let status = try? descriptor.stat() else { return nil }
        self.init(status)
    }

    /// The identity of the file at `path` (links followed); nil if it cannot be asked.
    public init?(path: String) {
        guard let status = try? FilePath(path).stat() else { return nil }
        self.init(status)
    }

    private init(_ status: Stat) {
        device = UInt64(status.deviceID.rawValue)
        inode = UInt64(status.inode.rawValue)
        size = status.size
        // swift-system's `st_mtim` reads Darwin's `st_mtimespec` there.
        modified = Int64(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
    }
}
