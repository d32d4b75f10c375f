import Foundation
import Support

extension Pipe {
    /// The first line a child process writes here, without its newline (or what came before the
    /// pipe closed). How the test servers say which port they took. The blocking read runs on a
    /// thread of its own: the test runner's few cooperative threads stay free for the other tests
    /// (blocked there, a dozen servers starting at once would stall every test for seconds).
    func firstLine() async -> String {
        let descriptor = fileHandleForReading.fileDescriptor
        return await DedicatedThread.run {
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1, byte != UInt8(ascii: "\n") else { break }
                line.append(byte)
            }
            return String(decoding: line, as: UTF8.self)
        }
    }
}
