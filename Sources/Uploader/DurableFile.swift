import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Writes that survive a crash or a power cut: a temporary file beside the target, flushed to
/// disk, renamed over the target, and the folder flushed so the rename itself is on disk.
enum DurableFile {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(DurableFileError) {
        let temporary = siblingTemporaryPath(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .failed(path, String(cString: strerror(errno))) }
        var closed = false
        defer {
            if !closed { close(descriptor) }
            unlink(temporary)
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .failed(path, String(cString: strerror(errno))) }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw .failed(path, String(cString: strerror(errno))) }
        close(descriptor)
        closed = true
        guard rename(temporary, path) == 0 else { throw .failed(path, String(cString: strerror(errno))) }
        syncDirectory(containing: path)
    }

    /// Flushes a folder's entries (a rename or a new file in it) to disk.
    static func syncDirectory(containing path: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Hidden, unique, and in the same folder (so on the same file system: rename is atomic).
    static func siblingTemporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }
}

enum DurableFileError: Error, CustomStringConvertible {
    case failed(String, String)
    var description: String {
        switch self { case .failed(let path, let reason): return "\(path): cannot write it safely (\(reason))" }
    }
}
