import SystemPackage

/// Reads `{"data_urls": ["data:<mime>;base64,<bytes>", …]}` as it streams in and writes each file
/// to disk as it is decoded: a 270 MB body never sits in the simulator's memory either.
struct DataURLReceiver {
    struct Received {
        let path: String
        let mimeType: String
    }

    private enum Phase {
        case seekingDataURL
        case readingMimeType
        case decoding
    }

    private let directory: String
    private var phase = Phase.seekingDataURL
    /// Text not yet consumed (a marker may straddle two chunks; base64 comes in groups of 4).
    private var carry: [UInt8] = []
    private var mimeType = ""
    private var file: FileDescriptor?
    private var currentPath = ""
    private(set) var received: [Received] = []

    init(directory: String) {
        self.directory = directory
    }

    mutating func consume(_ bytes: some Sequence<UInt8>) throws {
        carry.append(contentsOf: bytes)
        var progressed = true
        while progressed {
            progressed = try step()
        }
    }

    /// One step of the state machine; false when it needs more input.
    private mutating func step() throws -> Bool {
        switch phase {
        case .seekingDataURL:
            let marker = Array("\"data:".utf8)
            guard let start = carry.firstRange(of: marker) else {
                carry = Array(carry.suffix(marker.count - 1))
                return false
            }
            carry.removeSubrange(..<start.upperBound)
            phase = .readingMimeType
            return true
        case .readingMimeType:
            let marker = Array(";base64,".utf8)
            guard let end = carry.firstRange(of: marker) else { return false }
            mimeType = String(decoding: carry[..<end.lowerBound], as: UTF8.self)
            carry.removeSubrange(..<end.upperBound)
            currentPath = directory + "/\(UUID().uuidString.lowercased()).\(Self.fileExtension(for: mimeType))"
            do {
                file = try FileDescriptor.open(FilePath(currentPath), .writeOnly, options: [.create, .truncate, .closeOnExec],
                                               permissions: [.ownerReadWrite, .groupRead, .otherRead])
            } catch {
                throw ReceiveError.cannotStore("\(error)")
            }
            phase = .decoding
            return true
        case .decoding:
            let quote = carry.firstIndex(of: UInt8(ascii: "\""))
            let available = quote ?? carry.count
            // Decode whole groups of four; keep the rest for the next chunk.
            let decodable = quote == nil ? available / 4 * 4 : available
            if decodable > 0 {
                guard let decoded = Data(base64Encoded: Data(carry[..<decodable])) else { throw ReceiveError.notBase64 }
                try write(Array(decoded))
                carry.removeSubrange(..<decodable)
            }
            guard quote != nil else { return false }
            carry.removeFirst()
            try? file?.close()
            file = nil
            received.append(Received(path: currentPath, mimeType: mimeType))
            phase = .seekingDataURL
            return true
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        do { _ = try file?.writeAll(bytes) } catch { throw ReceiveError.cannotStore("\(error)") }
    }

    /// True when the body ended in the middle of a data URL.
    var isIncomplete: Bool { phase != .seekingDataURL }

    static func fileExtension(for mimeType: String) -> String {
        ["video/mp4": "mp4", "video/quicktime": "mov", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"][mimeType] ?? "bin"
    }

    enum ReceiveError: Error {
        case notBase64
        case cannotStore(String)
    }
}
