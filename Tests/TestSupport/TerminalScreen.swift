import Foundation

/// What a terminal shows after a program ran on it: the program run on a pseudo-terminal of so
/// many columns, and everything it wrote played into pyte (a VT100 emulator, Debian's
/// python3-pyte), whose screen and scrollback are read back as text. The oracle for what escape
/// sequences leave on a real terminal, which reading the bytes cannot tell.
public struct TerminalScreen: Sendable {
    /// The program's exit status.
    public let status: Int32
    /// Every row, scrollback first, trailing blanks and blank rows at the end dropped.
    public let rows: [String]
    /// How many times it rewrote a line in place (carriage return, erase line).
    public let rewrites: Int

    private static let player = """
        import fcntl, json, os, struct, subprocess, sys, termios
        try:
            import pyte
        except ImportError:
            print(json.dumps({"missing": "pyte, the terminal tests' emulator: apt-get install python3-pyte, or pip install pyte"})); sys.exit(0)
        columns, height = int(sys.argv[1]), 50
        try:
            master, slave = os.openpty()
        except OSError as error:
            print(json.dumps({"missing": "a pseudo-terminal (%s)" % error})); sys.exit(0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, columns, 0, 0))
        if sys.argv[2] in ("foreground", "background"):
            # The terminal made the controlling one of a shell of its own, with job control on: the
            # program is that shell's foreground job, or a job started with `&`.
            def own_terminal():
                os.setsid()
                fcntl.ioctl(0, termios.TIOCSCTTY, 0)
            script = 'set -m; "$@"' if sys.argv[2] == "foreground" else 'set -m; "$@" & wait $!'
            child = subprocess.Popen(["sh", "-c", script, "sh"] + sys.argv[3:], stdin=slave, stdout=slave,
                                     stderr=slave, close_fds=True, preexec_fn=own_terminal)
        else:
            child = subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        raw = bytearray()
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the last writer has closed the terminal
                break
            if not chunk:
                break
            raw += chunk
        status = child.wait()
        screen = pyte.HistoryScreen(columns, height, history=100000)
        pyte.ByteStream(screen).feed(bytes(raw))
        rows = ["".join(line[x].data for x in range(columns)) for line in screen.history.top] + screen.display
        rows = [row.rstrip() for row in rows]
        while rows and not rows[-1]:
            rows.pop()
        print(json.dumps({"status": status, "rows": rows, "rewrites": raw.count(b"\\r\\x1b[K")}))
        """

    /// How the program meets its terminal.
    public enum Job: String, Sendable {
        /// On it, but not as its controlling terminal (as a program without job control starts it).
        case plain
        /// The foreground job of a shell whose controlling terminal it is.
        case foreground
        /// A job that shell started with `&`.
        case background
    }

    /// Runs `executable` on a terminal `columns` wide, to its end.
    public static func run(columns: Int, job: Job = .plain, _ executable: String, _ arguments: [String],
                           environment: [String: String]) async throws -> TerminalScreen {
        var environment = environment
        environment["TERM"] = "xterm"
        let result = try await ProcessRunner.run("python3", ["-c", player, String(columns), job.rawValue, executable] + arguments, environment: environment)
        let object = try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        if let missing = object?["missing"] as? String {
            throw OracleError.failed(path: "python3", message: "cannot play a terminal: no \(missing)"
                                     + (missing.hasPrefix("a pseudo") ? "; /dev/pts must be mounted (devpts)" : ""))
        }
        guard let object, let status = object["status"] as? Int, let rows = object["rows"] as? [String],
              let rewrites = object["rewrites"] as? Int else {
            throw OracleError.failed(path: "python3", message: "the terminal player failed: \(result.standardError)")
        }
        return TerminalScreen(status: Int32(status), rows: rows, rewrites: rewrites)
    }
}
