import Foundation
import Journal
import Segmind
import TestSupport
import Testing

/// The journal: durable, private, findable by any id, and safe under concurrent updates.
@Suite struct JobJournalTests {
    private func journal() throws -> JobJournal {
        try JobJournal(directory: Scratch.temporary.appendingPathComponent("kling-journal-\(UUID().uuidString)").path)
    }

    private let parameters = KlingRequest(prompt: "Based on @Video1", videoURL: "https://bucket.example/shot.mp4?X-Amz-Signature=abc123")

    @Test func recordIsFoundByRequestIDLocalIDOrPrefix() throws {
        let journal = try journal()
        var record = JobRecord(parameters: parameters, apiBase: "https://api.segmind.com")
        record.requestID = RequestID("3f2a9c1e-0000-4000-8000-000000000001")
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
            record.requestID = RequestID("abc-\(suffix)")
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

    @Test func aRequestIDLearnedLaterIsFoundToo() throws {
        let journal = try journal()
        let record = JobRecord(parameters: parameters, apiBase: "x")
        try journal.save(record)
        try journal.update(record.localID) { $0.requestID = RequestID("9e8d7c6b-0000-4000-8000-000000000002") }
        #expect(try journal.find("9e8d7c6b-0000-4000-8000-000000000002").localID == record.localID)
        #expect(try journal.find("9e8d").localID == record.localID)
        #expect(try journal.find(String(record.localID.prefix(6))).localID == record.localID)
    }

    @Test func aJournalWrittenBeforeIndexesIsIndexedWhenOpened() throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-journal-\(UUID().uuidString)").path
        let first = try JobJournal(directory: folder)
        var record = JobRecord(parameters: parameters, apiBase: "x")
        record.requestID = RequestID("5a5a5a5a-0000-4000-8000-000000000003")
        try first.save(record)
        // As an older kling-media left it: the records, and no index.
        try FileManager.default.removeItem(atPath: folder + "/.index")
        let reopened = try JobJournal(directory: folder)
        #expect(try reopened.find("5a5a5a5a").localID == record.localID)
        #expect(FileManager.default.fileExists(atPath: folder + "/.index/complete"))
    }

    /// A journal that cannot be made (a container whose HOME is /, a state folder under a file)
    /// names the folder that could not be made and the system's reason, not Foundation's error
    /// dump; the folders it could make are private.
    @Test func aJournalThatCannotBeMadeSaysWhichFolderAndWhy() throws {
        let folder = try Scratch.folder("kling-journal")
        let file = folder.appendingPathComponent("state").path
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: file))
        let under = file + "/kling-media/jobs"
        #expect(throws: JournalError.unusable(under, "cannot make \(file)/kling-media: Not a directory")) {
            try JobJournal(directory: under)
        }
        #expect(JournalError.unusable(under, "cannot make \(file)/kling-media: Not a directory").description
                == "the job journal at \(under) cannot be used (cannot make \(file)/kling-media: Not a directory); set XDG_STATE_HOME to a writable folder")
        let made = folder.appendingPathComponent("new/state/kling-media/jobs").path
        _ = try JobJournal(directory: made)
        for path in ["new", "new/state", "new/state/kling-media", "new/state/kling-media/jobs"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(path) is \(String(mode, radix: 8))")
        }
    }

    @Test func anIndexEntryWhoseRecordIsGoneIsIgnored() throws {
        let journal = try journal()
        var record = JobRecord(parameters: parameters, apiBase: "x")
        record.requestID = RequestID("7b7b7b7b-0000-4000-8000-000000000004")
        try journal.save(record)
        // A crash between an index entry and its record's first write leaves an entry alone.
        try FileManager.default.removeItem(atPath: journal.directory + "/\(record.localID).json")
        #expect(throws: JournalError.unknownJob("7b7b")) { try journal.find("7b7b") }
    }
}
