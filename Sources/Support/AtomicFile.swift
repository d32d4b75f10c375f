import SystemPackage

/// Files that appear whole or not at all, and survive a crash or a power cut once written: made
/// under a hidden temporary name beside their place (so on the same file system), flushed to
/// disk, renamed over the place, and the folder flushed so the rename itself is on disk.
///
/// The one way this project writes a file it keeps: journal records, the upload cache, downloads,
/// pictures, and (through `temporaryPath` and `commit`) FFmpeg's outputs.
public enum AtomicFile {
    /// Writes `bytes` to `path`; unless `replacing`, a file already there is kept and `.exists` thrown.
    public static func write(_ bytes: [UInt8], to path: String, permissions: FilePermissions = [.ownerReadWrite],
                             replacing: Bool = true) throws(AtomicFileError) {
        let temporary = temporaryPath(besides: path)
        do {
            let descriptor = try FileDescriptor.open(FilePath(temporary), .writeOnly,
                                                     options: [.create, .exclusiveCreate, .noFollow, .closeOnExec],
                                                     permissions: permissions)
            do {
                _ = try descriptor.writeAll(bytes)
                try SystemCalls.sync(descriptor)
                try descriptor.close()
            } catch {
                try? descriptor.close()
                throw error
            }
            try publish(temporary, to: path, replacing: replacing)
        } catch {
            SystemCalls.remove(temporary)
            throw failure(error, at: path)
        }
        SystemCalls.syncFolder(folder(of: path))
    }

    /// Hidden, unique, and in the same folder as `path` (so on the same file system: the rename
    /// that publishes it is atomic).
    public static func temporaryPath(besides path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(SystemCalls.processID).\(UInt32.random(in: 0...UInt32.max)).partial"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Publishes a finished temporary file (one a writer filled itself): flushed, given its final
    /// permissions, renamed to `path`, the folder flushed. On failure the temporary file is removed.
    /// Unless `replacing`, a file already at `path` is kept and `.exists` thrown.
    public static func commit(_ temporary: String, to path: String, permissions: FilePermissions? = nil,
                              replacing: Bool = true) throws(AtomicFileError) {
        do {
            let descriptor = try FileDescriptor.open(FilePath(temporary), .readOnly, options: [.noFollow, .closeOnExec])
            defer { try? descriptor.close() }
            try SystemCalls.sync(descriptor)
            if let permissions { try SystemCalls.setPermissions(temporary, permissions) }
            try publish(temporary, to: path, replacing: replacing)
        } catch {
            SystemCalls.remove(temporary)
            throw failure(error, at: path)
        }
        SystemCalls.syncFolder(folder(of: path))
    }

    private static func publish(_ temporary: String, to path: String, replacing: Bool) throws(Errno) {
        if replacing {
            try SystemCalls.rename(temporary, to: path)
        } else {
            try SystemCalls.renameWithoutReplacing(temporary, to: path)
        }
    }

    private static func failure(_ error: any Error, at path: String) -> AtomicFileError {
        let errno = (error as? Errno) ?? .ioError
        return errno == .fileExists ? .exists(path) : .failed(path, errno)
    }

    static func folder(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}

public enum AtomicFileError: Error, Equatable, CustomStringConvertible {
    case failed(String, Errno)
    /// Something is already at the path, and replacing it was not allowed.
    case exists(String)

    public var description: String {
        switch self {
        case .failed(let path, let error): return "\(path): cannot write it safely (\(error))"
        case .exists(let path): return "\(path): already exists; it was left as it was"
        }
    }
}
