import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 of a file's bytes, read from disk in 1 MiB chunks, or of bytes in memory.
public enum ContentHash {
    public static func sha256(of bytes: [UInt8]) -> String {
        SigV4.hex(SHA256.hash(data: bytes))
    }

    public static func sha256(ofFileAt path: String) throws(UploadError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw .unreadable(path, String(cString: strerror(errno))) }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return SigV4.hex(hasher.finalize())
    }
}
