import Foundation

/// Files a test makes: each in a folder of its own under the system's temporary folder, named
/// after the test suite so that one left behind says whose it is.
public enum Scratch {
    /// A new, empty folder.
    public static func folder(_ prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The path of `name` in a new, empty folder.
    public static func file(_ name: String, in prefix: String) throws -> String {
        try folder(prefix).appendingPathComponent(name).path
    }
}
