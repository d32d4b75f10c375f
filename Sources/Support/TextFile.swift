import SystemPackage

/// A text file a user wrote (a batch file, a prompt), read whole as UTF-8, with an error that says
/// what is wrong with it: a mistyped name is "no such file", not "cannot read it as UTF-8 text".
public enum TextFile {
    /// The text of `path`. `droppingByteOrderMark`: a UTF-8 byte-order mark at the start (which
    /// Windows editors write) is left out; where the text is sent on exactly (a prompt, whose text
    /// is part of what identifies a request already paid for), it is kept.
    public static func read(_ path: String, droppingByteOrderMark: Bool) throws(TextFileError) -> String {
        let status: Stat
        do { status = try FilePath(path).stat() } catch {
            throw error == .noSuchFileOrDirectory || error == .notDirectory ? .notFound(path) : .unreadable(path, error)
        }
        guard status.type != .directory else { throw .isFolder(path) }
        var bytes: [UInt8] = []
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            defer { try? descriptor.close() }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                if count == 0 { break }
                bytes += chunk[..<count]
            }
        } catch let error as Errno {
            throw .unreadable(path, error)
        } catch {
            throw .unreadable(path, .ioError)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { throw .utf16(path) }
        if droppingByteOrderMark, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(path) }
        return text
    }
}

public enum TextFileError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case isFolder(String)
    case unreadable(String, Errno)
    /// Starts with a UTF-16 byte-order mark: what Windows PowerShell's `>` and `Out-File` write.
    case utf16(String)
    case notUTF8(String)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file"
        case .isFolder(let path): return "\(path): is a folder, not a text file"
        case .unreadable(let path, let error): return "\(path): cannot be read (\(error))"
        case .utf16(let path): return "\(path): is UTF-16 text (what Windows PowerShell's `>` writes); save it as UTF-8"
        case .notUTF8(let path): return "\(path): is not UTF-8 text; save it as UTF-8"
        }
    }
}
