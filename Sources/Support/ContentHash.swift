import Crypto
import SystemPackage
import Synchronization

/// SHA-256 of a file's bytes, read from disk in 1 MiB chunks, or of bytes in memory.
///
/// A file's hash is remembered for the life of the process while the file is the same one, of the
/// same size and modification time: a continuation hashes its clip to know it again, the uploader to
/// find it in the cache, and a 200 MB clip is read once, not at each of them.
public enum ContentHash {
    private static let known = Mutex<[FileIdentity: String]>([:])

    public static func sha256(of bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    public static func sha256(ofFileAt path: String) throws(ContentHashError) -> String {
        let descriptor: FileDescriptor
        do { descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) } catch {
            throw .unreadable(path, (error as? Errno) ?? .ioError)
        }
        defer { try? descriptor.close() }
        let before = FileIdentity(descriptor)
        if let before, let hash = known.withLock({ $0[before] }) { return hash }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count: Int
            do { count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) } } catch {
                throw .unreadable(path, (error as? Errno) ?? .ioError)
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        let hash = hex(hasher.finalize())
        // Remembered only if nothing changed the file while it was read.
        if let before, before == FileIdentity(descriptor) { known.withLock { $0[before] = hash } }
        return hash
    }

    /// Lower-case hex, as SHA-256 sums and AWS signatures are written.
    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

public enum ContentHashError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, Errno)

    public var description: String {
        switch self { case .unreadable(let path, let error): return "\(path): cannot read it (\(error))" }
    }
}
