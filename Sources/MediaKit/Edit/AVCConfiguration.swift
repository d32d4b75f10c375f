/// An H.264 decoder configuration record (`avcC`, ISO 14496-15): the SPS and PPS that an MP4's
/// video track declares once, and the byte width of each NAL unit's length prefix.
///
/// Smart passthrough rests on it. A track has one `avcC`, but that record may list several
/// parameter sets by id. So the copied clip keeps its own (say id 0), the re-encoded clips get
/// x264's under an id the copied clip does not use, and both live in one record. Every slice
/// names the PPS it needs, so each part decodes with its own settings.
struct AVCConfiguration: Equatable {
    var profile: UInt8
    var compatibility: UInt8
    var level: UInt8
    /// Bytes in each NAL unit's length prefix (1, 2 or 4).
    var lengthSize: Int
    var sequenceParameterSets: [[UInt8]]
    var pictureParameterSets: [[UInt8]]
    /// High-profile records end with chroma and bit-depth fields (and SPS extensions); kept as they came.
    var trailer: [UInt8]

    /// Parses an `avcC` record; nil for anything else (Annex B extradata starts with a start code).
    init?(record bytes: [UInt8]) {
        guard bytes.count >= 7, bytes[0] == 1 else { return nil }
        var reader = ByteReader(bytes, from: 5)
        guard let spsCount = reader.byte().map({ Int($0 & 0x1F) }),
              let sps = reader.lengthPrefixedUnits(spsCount),
              let ppsCount = reader.byte().map(Int.init),
              let pps = reader.lengthPrefixedUnits(ppsCount) else { return nil }
        profile = bytes[1]
        compatibility = bytes[2]
        level = bytes[3]
        lengthSize = Int(bytes[4] & 0x03) + 1
        sequenceParameterSets = sps
        pictureParameterSets = pps
        trailer = reader.rest
    }

    /// A record for parameter sets given as NAL units (x264's Annex B extradata, split).
    init?(units: [[UInt8]], lengthSize: Int = 4) {
        let sps = units.filter { ($0.first ?? 0) & 0x1F == 7 }
        let pps = units.filter { ($0.first ?? 0) & 0x1F == 8 }
        guard let first = sps.first, first.count >= 4, !pps.isEmpty else { return nil }
        profile = first[1]
        compatibility = first[2]
        level = first[3]
        self.lengthSize = lengthSize
        sequenceParameterSets = sps
        pictureParameterSets = pps
        // Profiles above Main carry chroma format and bit depths; 4:2:0, 8 bit is all MediaKit writes.
        trailer = [100, 110, 122, 144].contains(first[1]) ? [0xFD, 0xF8, 0xF8, 0x00] : []
    }

    var record: [UInt8] {
        var bytes: [UInt8] = [1, profile, compatibility, level, 0xFC | UInt8(lengthSize - 1),
                              0xE0 | UInt8(sequenceParameterSets.count)]
        for unit in sequenceParameterSets { bytes += [UInt8(unit.count >> 8), UInt8(unit.count & 0xFF)] + unit }
        bytes.append(UInt8(pictureParameterSets.count))
        for unit in pictureParameterSets { bytes += [UInt8(unit.count >> 8), UInt8(unit.count & 0xFF)] + unit }
        return bytes + trailer
    }

    /// The ids the record's SPS and PPS use (`seq_parameter_set_id`, `pic_parameter_set_id`).
    var usedIdentifiers: Set<Int> {
        Set(sequenceParameterSets.compactMap(Self.sequenceIdentifier) + pictureParameterSets.compactMap(Self.pictureIdentifier))
    }

    /// This record with only the parameter sets whose id is in `ids` (x264 gives its SPS and PPS
    /// the same id): one encoder's sets, taken back out of a merged record.
    func keeping(identifiers ids: Set<Int>) -> AVCConfiguration {
        var kept = self
        kept.sequenceParameterSets = sequenceParameterSets.filter { Self.sequenceIdentifier($0).map(ids.contains) ?? false }
        kept.pictureParameterSets = pictureParameterSets.filter { Self.pictureIdentifier($0).map(ids.contains) ?? false }
        return kept
    }

    private static func sequenceIdentifier(_ unit: [UInt8]) -> Int? {
        var bits = BitReader(unescaping: unit, from: 4)   // after header, profile, constraints, level
        return bits.unsignedExpGolomb()
    }

    private static func pictureIdentifier(_ unit: [UInt8]) -> Int? {
        var bits = BitReader(unescaping: unit, from: 1)
        return bits.unsignedExpGolomb()
    }

    /// This record with `other`'s parameter sets added: what a track holding both streams declares.
    /// The profile and level are the higher of the two; the constraint flags only those both set.
    func merged(with other: AVCConfiguration) -> AVCConfiguration {
        var merged = self
        merged.sequenceParameterSets += other.sequenceParameterSets.filter { !sequenceParameterSets.contains($0) }
        merged.pictureParameterSets += other.pictureParameterSets.filter { !pictureParameterSets.contains($0) }
        merged.profile = max(profile, other.profile)
        merged.compatibility = compatibility & other.compatibility
        merged.level = max(level, other.level)
        if merged.trailer.isEmpty { merged.trailer = other.trailer }
        return merged
    }
}

/// H.264 byte-stream helpers: from Annex B (start codes, as x264 writes) to MP4's length prefixes.
enum AnnexB {
    /// The NAL units between start codes (`00 00 01` or `00 00 00 01`).
    static func units(in bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        var starts: [(unit: Int, code: Int)] = []
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                let code = index > 0 && bytes[index - 1] == 0 ? index - 1 : index
                starts.append((index + 3, code))
                index += 3
            } else {
                index += 1
            }
        }
        return starts.indices.map { position in
            let end = position + 1 < starts.count ? starts[position + 1].code : bytes.count
            return Array(bytes[starts[position].unit..<max(end, starts[position].unit)])
        }
    }

    /// The units rewritten with big-endian length prefixes of `lengthSize` bytes.
    static func lengthPrefixed(_ units: [[UInt8]], lengthSize: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.reduce(0) { $0 + $1.count + lengthSize })
        for unit in units {
            for shift in stride(from: (lengthSize - 1) * 8, through: 0, by: -8) {
                bytes.append(UInt8((unit.count >> shift) & 0xFF))
            }
            bytes += unit
        }
        return bytes
    }
}

private struct ByteReader {
    private let bytes: [UInt8]
    private var cursor: Int

    init(_ bytes: [UInt8], from start: Int) {
        self.bytes = bytes
        cursor = start
    }

    mutating func byte() -> UInt8? {
        guard cursor < bytes.count else { return nil }
        defer { cursor += 1 }
        return bytes[cursor]
    }

    mutating func lengthPrefixedUnits(_ count: Int) -> [[UInt8]]? {
        var units: [[UInt8]] = []
        for _ in 0..<count {
            guard let high = byte(), let low = byte() else { return nil }
            let length = Int(high) << 8 | Int(low)
            guard cursor + length <= bytes.count else { return nil }
            units.append(Array(bytes[cursor..<cursor + length]))
            cursor += length
        }
        return units
    }

    var rest: [UInt8] { Array(bytes[min(cursor, bytes.count)...]) }
}

/// Reads Exp-Golomb fields from a NAL unit's payload, with emulation prevention bytes removed.
private struct BitReader {
    private var bits: [UInt8] = []
    private var position = 0

    init(unescaping unit: [UInt8], from start: Int) {
        var zeros = 0
        for byte in unit.dropFirst(start) {
            if zeros >= 2, byte == 3 { zeros = 0; continue }
            zeros = byte == 0 ? zeros + 1 : 0
            bits.append(byte)
        }
    }

    mutating func bit() -> Int? {
        guard position / 8 < bits.count else { return nil }
        defer { position += 1 }
        return Int(bits[position / 8] >> (7 - UInt8(position % 8))) & 1
    }

    mutating func unsignedExpGolomb() -> Int? {
        var leadingZeros = 0
        while let bit = bit(), bit == 0 {
            leadingZeros += 1
            if leadingZeros > 31 { return nil }
        }
        var value = 0
        for _ in 0..<leadingZeros {
            guard let bit = bit() else { return nil }
            value = value << 1 | bit
        }
        return (1 << leadingZeros) - 1 + value
    }
}
