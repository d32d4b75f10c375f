import Foundation

/// A program run with one folder on a small disk of its own (a tmpfs of so many kilobytes), in a
/// mount namespace of its own: the disk exists only for that process and ends with it, however it
/// ends, and no other process sees it (another can reach it through `/proc/PID/root`, as
/// `fill(_:)` does). Needs util-linux's `unshare` and root, or unprivileged user namespaces.
public enum SmallDisk {
    /// Exit status of the shell that sets the disk up when it could not.
    static let setupFailed: Int32 = 97

    /// `unshare`'s arguments to run `executable` with `folder` on a `kilobytes` disk.
    static func arguments(folder: String, kilobytes: Int, _ executable: String, _ arguments: [String]) -> [String] {
        // unshare's default, making every mount of the new namespace private, fails in a chroot
        // (its "/" is no mount point): the folder's own mount is made private inside instead, so
        // the disk cannot show through to the namespace it came from.
        let script = """
            mount --make-rprivate "$(findmnt -n -o TARGET --target "$1")" || exit \(setupFailed)
            mount -t tmpfs -o size=\(kilobytes)k kling-small-disk "$1" || exit \(setupFailed)
            shift
            exec "$@"
            """
        let namespace = getuid() == 0 ? ["--mount", "--propagation", "unchanged"]
            : ["--map-root-user", "--mount", "--propagation", "unchanged"]
        return namespace + ["sh", "-c", script, "sh", folder, executable] + arguments
    }

    /// Starts `executable` with `folder` on a small disk.
    public static func start(folder: String, kilobytes: Int, _ executable: String, _ arguments: [String],
                             environment: [String: String]? = nil) throws -> RunningProcess {
        try RunningProcess("unshare", Self.arguments(folder: folder, kilobytes: kilobytes, executable, arguments), environment: environment)
    }

    /// Runs `executable` with `folder` on a small disk, to the end; fails the test's oracle with
    /// a clear message when no such disk could be made.
    public static func run(folder: String, kilobytes: Int, _ executable: String, _ arguments: [String],
                           environment: [String: String]? = nil) async throws -> ProcessResult {
        try check(try await start(folder: folder, kilobytes: kilobytes, executable, arguments, environment: environment).finish())
    }

    /// The result, unless it is the disk's set-up that failed.
    public static func check(_ result: ProcessResult) throws -> ProcessResult {
        if result.status == setupFailed || result.standardError.hasPrefix("unshare:") {
            throw OracleError.failed(path: "unshare", message: "cannot make a small disk (needs root, or user namespaces): \(result.standardError)")
        }
        return result
    }

    /// Fills the small disk `folder` of the running `process` to its last byte (dd stops at ENOSPC).
    public static func fill(_ folder: String, of process: RunningProcess) async throws {
        let filler = "/proc/\(process.processIdentifier)/root" + folder + "/filler"
        let filled = try await ProcessRunner.run("dd", ["if=/dev/zero", "of=" + filler, "bs=1M"])
        guard filled.standardError.contains("No space left on device") else {
            throw OracleError.failed(path: filler, message: "dd did not fill the disk: \(filled.standardError)")
        }
    }
}
