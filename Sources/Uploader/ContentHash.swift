import Crypto
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 of a file's bytes, read from disk in 1 MiB chunks, or of bytes in memory.
///
/// A file's hash is remembered for the life of the process while the file is the same one, of the
/// same size and modification time: a continuation hashes its clip to know it again, the uploader to
/// find it in the cache, and a 200 MB clip is read once, not at each of them.
public enum ContentHash {
    /// What identifies a file's content without reading it.
    private struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
        let size: Int64
        let modified: Int64
        let modifiedNanoseconds: Int64

        init?(descriptor: Int32) {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            modified = Int64(status.st_mtim.tv_sec)
            modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
        }
    }

    private static let known = Mutex<[FileIdentity: String]>([:])

    public static func sha256(of bytes: [UInt8]) -> String {
        SigV4.hex(SHA256.hash(data: bytes))
    }

    public static func sha256(ofFileAt path: String) throws(UploadError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let before = FileIdentity(descriptor: descriptor)
        if let before, let hash = known.withLock({ $0[before] }) { return hash }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw .unreadable(path, String(cString: strerror(errno))) }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        let hash = SigV4.hex(hasher.finalize())
        // Remembered only if nothing changed the file while it was read.
        if let before, before == FileIdentity(descriptor: descriptor) { known.withLock { $0[before] = hash } }
        return hash
    }
}
