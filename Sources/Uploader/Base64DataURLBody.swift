import HTTP
import SystemPackage

/// The JSON body Segmind Storage takes, `{"data_urls": ["data:<mime>;base64,<bytes>"]}`, made from
/// a file as it is sent: the file is read and base64-encoded a chunk at a time, so a 200 MB clip
/// (a ~270 MB body) never sits in memory. Segmind's own SDK reads the whole file instead.
final class Base64DataURLBody: BodySource {
    /// 48 KiB of file becomes 64 KiB of base64: whole 3-byte groups, so chunks join seamlessly.
    private static let chunkSize = 3 * 16_384

    private let file: FileDescriptor
    private var pending: ArraySlice<UInt8>
    private var suffix: [UInt8]?
    private var chunk = [UInt8](repeating: 0, count: chunkSize)

    /// The exact length of the body for a file of `size` bytes and this MIME type.
    static func length(fileSize size: Int64, mimeType: String) -> Int64 {
        Int64(prefix(mimeType).count + suffixBytes.count) + (size + 2) / 3 * 4
    }

    init(path: String, mimeType: String) throws(BodySourceError) {
        do { file = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) } catch {
            throw BodySourceError("\((error as? Errno) ?? .ioError)")
        }
        pending = Self.prefix(mimeType)[...]
        suffix = Self.suffixBytes
    }

    deinit { try? file.close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(BodySourceError) -> Int {
        if pending.isEmpty { try refill() }
        let count = min(buffer.count, pending.count)
        buffer.copyBytes(from: pending.prefix(count))
        pending = pending.dropFirst(count)
        return count
    }

    /// The next encoded chunk of the file, or the closing bytes once it is all sent.
    private func refill() throws(BodySourceError) {
        var filled = 0
        while filled < chunk.count {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            } catch {
                throw BodySourceError("\((error as? Errno) ?? .ioError)")
            }
            if count == 0 { break }
            filled += count
        }
        if filled > 0 {
            pending = Array(Data(chunk[0..<filled]).base64EncodedData())[...]
        } else if let closing = suffix {
            pending = closing[...]
            suffix = nil
        }
    }

    private static func prefix(_ mimeType: String) -> [UInt8] {
        Array("{\"data_urls\":[\"data:\(mimeType);base64,".utf8)
    }

    private static let suffixBytes = Array("\"]}".utf8)
}
