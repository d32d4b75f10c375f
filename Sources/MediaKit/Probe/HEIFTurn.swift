import SystemPackage

/// The quarter turn a HEIF image's primary item is shown with (its `irot` property, ISO/IEC
/// 23008-12 6.5.10: counter-clockwise, in quarter turns), read from the file's `meta` box. A phone
/// held upright stores its photo sideways and says so there. FFmpeg 8.0 and later give a tiled
/// photo this turn; 7.1 does not, so it is read here (only the boxes that say it: `meta`, `pitm`,
/// `iprp`/`ipco`/`ipma`).
enum HEIFTurn {
    /// Degrees clockwise (0, 90, 180 or 270); nil when the file says no turn, or cannot be read so.
    static func clockwise(ofFileAt path: String) -> Int? {
        guard let meta = try? metaBox(ofFileAt: path) else { return nil }
        return clockwise(meta: meta)
    }

    /// The `meta` box's payload (after its version and flags), read from the file's top level.
    private static func metaBox(ofFileAt path: String) throws -> [UInt8]? {
        let file = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        defer { try? file.close() }
        var offset: Int64 = 0
        // A photo's `meta` comes before its pixels; a few top-level boxes are enough to find it.
        for _ in 0..<16 {
            var header = [UInt8](repeating: 0, count: 16)
            let read = try header.withUnsafeMutableBytes { try file.read(fromAbsoluteOffset: offset, into: $0) }
            guard read >= 8 else { return nil }
            var size = Int64(Bytes(header).u32(0))
            var headerSize: Int64 = 8
            if size == 1, read >= 16 {
                size = Int64(bitPattern: Bytes(header).u64(8))
                headerSize = 16
            }
            guard size >= headerSize else { return nil }
            if header[4..<8].elementsEqual("meta".utf8) {
                // A photo's meta box is small; one much larger is no photo's.
                guard size <= 1 << 20 else { return nil }
                var payload = [UInt8](repeating: 0, count: Int(size - headerSize))
                let got = try payload.withUnsafeMutableBytes { try file.read(fromAbsoluteOffset: offset + headerSize, into: $0) }
                guard got == payload.count, payload.count >= 4 else { return nil }
                return Array(payload[4...])   // FullBox: version and flags
            }
            offset += size
        }
        return nil
    }

    /// The turn from a `meta` payload: the primary item (`pitm`), its properties (`ipma`), the
    /// `irot` among them (`ipco`, counted from 1).
    static func clockwise(meta: [UInt8]) -> Int? {
        let boxes = Bytes(meta).boxes()
        guard let pitm = boxes["pitm"], pitm.count >= 6 else { return nil }
        let primary = pitm.u8(0) == 0 ? Int(pitm.u16(4)) : Int(pitm.u32(4))
        guard let properties = boxes["iprp"]?.boxes(), let ipco = properties["ipco"], let ipma = properties["ipma"] else { return nil }
        let list = ipco.boxList()
        let version = ipma.u8(0), wide = ipma.u8(3) & 1 == 1
        var at = 4
        guard ipma.count >= at + 4 else { return nil }
        let entries = Int(ipma.u32(at))
        at += 4
        for _ in 0..<entries {
            let idSize = version < 1 ? 2 : 4
            guard ipma.count >= at + idSize + 1 else { return nil }
            let item = idSize == 2 ? Int(ipma.u16(at)) : Int(ipma.u32(at))
            at += idSize
            let count = Int(ipma.u8(at))
            at += 1
            for _ in 0..<count {
                guard ipma.count >= at + (wide ? 2 : 1) else { return nil }
                let index = wide ? Int(ipma.u16(at) & 0x7FFF) : Int(ipma.u8(at) & 0x7F)
                at += wide ? 2 : 1
                guard item == primary, index >= 1, index <= list.count, list[index - 1].type == "irot",
                      list[index - 1].payload.count >= 1 else { continue }
                let quarterTurnsCounterClockwise = Int(list[index - 1].payload.u8(0) & 3)
                return quarterTurnsCounterClockwise == 0 ? nil : (4 - quarterTurnsCounterClockwise) * 90
            }
        }
        return nil
    }
}

/// Big-endian reads from a box's bytes; out of range reads give 0 (callers check lengths first).
private struct Bytes {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ slice: ArraySlice<UInt8>) { self.bytes = Array(slice) }

    var count: Int { bytes.count }
    func u8(_ at: Int) -> UInt8 { at < bytes.count ? bytes[at] : 0 }
    func u16(_ at: Int) -> UInt16 { UInt16(u8(at)) << 8 | UInt16(u8(at + 1)) }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) << 16 | UInt32(u16(at + 2)) }
    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) << 32 | UInt64(u32(at + 4)) }

    /// The boxes laid end to end in these bytes, in order: type and payload.
    func boxList() -> [(type: String, payload: Bytes)] {
        var list: [(type: String, payload: Bytes)] = []
        var at = 0
        while at + 8 <= bytes.count {
            let size = Int(u32(at))
            guard size >= 8, at + size <= bytes.count else { break }
            list.append((String(decoding: bytes[at + 4..<at + 8], as: UTF8.self), Bytes(bytes[at + 8..<at + size])))
            at += size
        }
        return list
    }

    /// The boxes by type (the first of each).
    func boxes() -> [String: Bytes] {
        var found: [String: Bytes] = [:]
        for box in boxList() where found[box.type] == nil { found[box.type] = box.payload }
        return found
    }
}
