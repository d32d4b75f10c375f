// Journal lookups at a given size: by request id, by an id prefix, and by a continuation's key,
// each through the index, against the same lookups made the way they were made before the index
// (decode every record, then filter). Run by bench/journal-lookup.sh; not part of the product.
//
//     journal-bench RECORDS [REPEATS]
import Foundation
import Journal
import KlingRules
import Pipeline
import Segmind

let arguments = CommandLine.arguments
guard arguments.count >= 2, let count = Int(arguments[1]), count > 0 else {
    print("usage: journal-bench RECORDS [REPEATS]")
    exit(2)
}
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kling-journal-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: folder) }

/// Milliseconds `body` takes, the median of `repeats` runs.
func median(_ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = ContinuousClock.now
        try body()
        let elapsed = start.duration(to: .now)
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
    return times.sorted()[times.count / 2]
}

// One record of each kind written the ordinary way, then copied under new ids: quick to make at
// 50,000, and byte for byte what the journal writes.
/// A UUID-shaped id for `number`, spread like real ones (so prefixes tell ids apart).
func uuid(_ number: Int) -> String {
    let mixed = (UInt64(number) &+ 1) &* 0x9E37_79B9_7F4A_7C15
    let hex = String(mixed, radix: 16)
    let digits = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    return "\(digits.prefix(8))-\(digits.dropFirst(8).prefix(4))-4000-8000-\(digits.suffix(4))\(String(number, radix: 16).leftPadded(8))"
}

/// A continuation key for `number`, hex like the SHA-256 keys are.
func key(_ number: Int) -> String { uuid(number).filter { $0 != "-" } }

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
let journal = try JobJournal(directory: folder)
let store = try ContinuationStore(journal: journal)
var template = JobRecord(localID: "template", parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://e.x/a.mp4"),
                         apiBase: "https://api.segmind.com")
template.requestID = RequestID("template")
try journal.save(template)
let request = ContinuationRequest(source: "/clips/a.mp4", prompt: "Based on @Video1")
try store.save(ContinuationRecord(localID: "template", key: "templatekey", apiBase: "x", request: request, outputPath: nil,
                                  shotPaths: ["/clips/a.next.mp4"], sentPath: "/clips/a.sent.mp4"))
let jobText = try String(contentsOfFile: folder + "/template.json", encoding: .utf8)
let continuationText = try String(contentsOfFile: folder + "/continuations/template.json", encoding: .utf8)
for name in ["template.json", ".index", "continuations/template.json", "continuations/.index"] {
    try FileManager.default.removeItem(atPath: folder + "/" + name)
}
for number in 0..<count {
    let localID = "f" + uuid(number).dropFirst()
    try jobText.replacingOccurrences(of: "\"template\"", with: "\"\(localID)\"")
        .replacingOccurrences(of: "\"request_id\" : \"\(localID)\"", with: "\"request_id\" : \"\(uuid(number))\"")
        .write(toFile: folder + "/\(localID).json", atomically: false, encoding: .utf8)
    try continuationText.replacingOccurrences(of: "\"template\"", with: "\"\(localID)\"")
        .replacingOccurrences(of: "templatekey", with: key(number))
        .write(toFile: folder + "/continuations/\(localID).json", atomically: false, encoding: .utf8)
}

// Opening indexes what an older journal left (once).
let indexing = ContinuousClock.now
let indexed = try JobJournal(directory: folder)
let continuations = try ContinuationStore(journal: indexed)
let indexingSeconds = Double(indexing.duration(to: .now).components.seconds) + Double(indexing.duration(to: .now).components.attoseconds) / 1e18

let target = count / 2
let wantedID = uuid(target)
let prefix = String(wantedID.prefix(9))
guard (try? indexed.find(wantedID))?.requestID?.rawValue == wantedID, (try? indexed.find(prefix)) != nil,
      (try? continuations.newest(key: key(target))) != nil else {
    print("journal-bench: a lookup found the wrong record")
    try? FileManager.default.removeItem(atPath: folder)
    exit(1)
}
let byID = try median { _ = try indexed.find(wantedID) }
let byPrefix = try median { _ = try indexed.find(prefix) }
let byKey = try median { _ = try continuations.newest(key: key(target)) }
// Before the index: every record decoded, then filtered (fewer repeats at size: it is slow).
let scanRepeats = count > 5000 ? 3 : repeats
var scanTimes: [Double] = []
for _ in 0..<scanRepeats {
    let start = ContinuousClock.now
    _ = try indexed.all().first { $0.requestID?.rawValue == wantedID }
    let elapsed = start.duration(to: .now)
    scanTimes.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
}
let scan = scanTimes.sorted()[scanTimes.count / 2]
func ms(_ value: Double) -> String { String((value * 100).rounded() / 100) }
print("\(count)\t\(ms(byID))\t\(ms(byPrefix))\t\(ms(byKey))\t\(ms(scan))\t\(String((indexingSeconds * 10).rounded() / 10))")
