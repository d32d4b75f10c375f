import Foundation

extension Pipe {
    /// The first line a child process writes here, without its newline; blocks until it comes
    /// (or the pipe closes). How the test servers say which port they took.
    func readFirstLine() -> String {
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        return String(decoding: line.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }
}
