#if canImport(Glibc)
import Glibc
#endif

/// `length` bytes of a file from `offset`: one part of a multipart upload, read as it is sent.
final class FileRangeBody: BodySource {
    private let descriptor: Int32
    private var position: Int64
    private let end: Int64

    init(path: String, offset: Int64, length: Int64) throws(BodySourceError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BodySourceError(String(cString: strerror(errno))) }
        position = offset
        end = offset + length
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(BodySourceError) -> Int {
        let wanted = Int(min(Int64(buffer.count), end - position))
        guard wanted > 0 else { return 0 }
        while true {
            let count = pread(descriptor, buffer.baseAddress, wanted, off_t(position))
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw BodySourceError(String(cString: strerror(errno))) }
            position += Int64(count)
            return count
        }
    }
}
