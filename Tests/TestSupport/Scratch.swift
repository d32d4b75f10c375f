import Foundation

/// Files a test makes: each in a folder of its own, named after the test suite so that one left
/// behind says whose it is, inside one folder per test process (`temporary`).
///
/// Tests leave their files: a failure's message names them, and they are there to look at. So
/// that they do not pile up run after run (a full run leaves some 150 folders, hundreds of MB),
/// the first test process to ask removes the folders of earlier processes that have ended, all
/// but the newest: the last run's files stay until the next run, no longer.
public enum Scratch {
    /// This test process's own folder under the system's temporary folder; every test's files go
    /// under it, never straight in the system's.
    public static let temporary: URL = {
        let system = FileManager.default.temporaryDirectory
        removeEndedRuns(in: system)
        let own = system.appendingPathComponent("\(rootPrefix)\(getpid())")
        try? FileManager.default.createDirectory(at: own, withIntermediateDirectories: true)
        return own
    }()

    /// A new, empty folder.
    public static func folder(_ prefix: String) throws -> URL {
        let folder = temporary.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The path of `name` in a new, empty folder.
    public static func file(_ name: String, in prefix: String) throws -> String {
        try folder(prefix).appendingPathComponent(name).path
    }

    private static let rootPrefix = "kling-tests-"

    /// Removes the folders of test processes that have ended, but the newest of them.
    private static func removeEndedRuns(in system: URL) {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: system.path)) ?? []
        let ended = names.compactMap { name -> (url: URL, modified: Date)? in
            guard name.hasPrefix(rootPrefix), let pid = pid_t(name.dropFirst(rootPrefix.count)), !isRunning(pid) else { return nil }
            let url = system.appendingPathComponent(name)
            let modified = (try? manager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
            return (url, modified)
        }
        for old in ended.sorted(by: { $0.modified > $1.modified }).dropFirst() { try? manager.removeItem(at: old.url) }
    }

    /// Whether a process `pid` exists (one that is not ours to signal still does).
    private static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
