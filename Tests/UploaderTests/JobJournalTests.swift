import Foundation
import Testing
import Uploader

/// The journal: durable, private, findable by any id, and safe under concurrent updates.
@Suite struct JobJournalTests {
    private func journal() throws -> JobJournal {
        try JobJournal(directory: FileManager.default.temporaryDirectory.appendingPathComponent("kling-journal-\(UUID().uuidString)").path)
    }

    private let parameters = KlingRequest(prompt: "Based on @Video1", videoURL: "https://bucket.example/shot.mp4?X-Amz-Signature=abc123")

    @Test func recordIsFoundByRequestIDLocalIDOrPrefix() throws {
        let journal = try journal()
        var record = JobRecord(parameters: parameters, apiBase: "https://api.segmind.com")
        record.requestID = "3f2a9c1e-0000-4000-8000-000000000001"
        try journal.save(record)
        #expect(try journal.find("3f2a9c1e-0000-4000-8000-000000000001") == record)
        #expect(try journal.find(record.localID) == record)
        #expect(try journal.find("3f2a9c") == record)
        #expect(throws: JournalError.unknownJob("ffff")) { try journal.find("ffff") }
    }

    @Test func ambiguousPrefixIsRefused() throws {
        let journal = try journal()
        for suffix in ["1", "2"] {
            var record = JobRecord(parameters: parameters, apiBase: "x")
            record.requestID = "abc-\(suffix)"
            try journal.save(record)
        }
        #expect(throws: JournalError.ambiguous("abc", 2)) { try journal.find("abc") }
    }

    @Test func filesArePrivateAndHoldNoSignatures() throws {
        let journal = try journal()
        let record = JobRecord(parameters: parameters, apiBase: "https://api.segmind.com")
        try journal.save(record)
        let path = journal.directory + "/\(record.localID).json"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: journal.directory)
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("abc123"))
        #expect(text.contains("https://bucket.example/shot.mp4?…(redacted)"))
        #expect(record.parametersSHA256.count == 64)
    }

    @Test func concurrentUpdatesAreNeitherLostNorCorrupting() async throws {
        let journal = try journal()
        let record = JobRecord(parameters: parameters, apiBase: "x")
        try journal.save(record)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask { _ = try? journal.update(record.localID) { $0.localInputs.append("input-\(index)") } }
            }
        }
        let final = try journal.find(record.localID)
        #expect(Set(final.localInputs) == Set((0..<24).map { "input-\($0)" }))
    }

    @Test func unreadableRecordIsSkippedNotFatal() throws {
        let journal = try journal()
        try journal.save(JobRecord(parameters: parameters, apiBase: "x"))
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: journal.directory + "/broken.json"))
        #expect(try journal.all().count == 1)
    }
}
