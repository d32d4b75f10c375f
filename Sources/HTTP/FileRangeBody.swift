import SystemPackage

/// `length` bytes of a file from `offset`: one part of a multipart upload, read as it is sent.
public final class FileRangeBody: BodySource {
    private let file: FileDescriptor
    private var position: Int64
    private let end: Int64

    public init(path: String, offset: Int64, length: Int64) throws(BodySourceError) {
        do { file = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) } catch {
            throw BodySourceError("\((error as? Errno) ?? .ioError)")
        }
        position = offset
        end = offset + length
    }

    deinit { try? file.close() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(BodySourceError) -> Int {
        let wanted = Int(min(Int64(buffer.count), end - position))
        guard wanted > 0 else { return 0 }
        do {
            let count = try file.read(fromAbsoluteOffset: position, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
            position += Int64(count)
            return count
        } catch {
            throw BodySourceError("\((error as? Errno) ?? .ioError)")
        }
    }
}
