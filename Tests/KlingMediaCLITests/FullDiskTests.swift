import Foundation
import TestSupport
import Testing

/// A full disk, met through the built binary on a real small file system (`SmallDisk`): before
/// paying, a folder without room for the shot is refused and nothing is sent; after paying, a disk
/// that filled while the model worked loses nothing: the message says the shot is paid for and
/// how to fetch it, and that fetches it without a second job.
@Suite struct FullDiskTests {
    private let prompt = "Based on @Video1, generate the next shot"

    /// A new folder to put a small disk on (kept, as every test's files are, until the next run).
    private func diskFolder() throws -> String {
        let disk = try Scratch.folder("kling-full-disk").appendingPathComponent("disk").path
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        return disk
    }

    /// Shell lines: take 1 started, and killed (SIGKILL) once its job is submitted.
    private let killedOnceSubmitted = #"""
        "$0" continue "$1" --no-stitch --prompt "Based on @Video1, take 1" -o "$2/take1.mp4" 2>"$2/first.log" &
        until grep -q "submitted" "$2/first.log"; do sleep 0.1; done
        kill -9 $!

        """#

    /// Runs the shell `script` (`$0` the built binary, `$1` a clip, `$2` the disk's folder) with
    /// `disk` on a disk of `kilobytes`, the simulator holding its jobs until `settled` (given the
    /// script and the submissions so far) says what the test waits for has happened, or the script
    /// has ended; then lets the jobs finish and returns the script's end.
    private func heldRun(_ sandbox: JobCommandTests.Sandbox, disk: String, kilobytes: Int, _ script: String, until what: String,
                         _ settled: @escaping (RunningProcess, _ submissions: Int) -> Bool) async throws -> ProcessResult {
        try await sandbox.simulator.control.hold(true)
        let running = try SmallDisk.start(folder: disk, kilobytes: kilobytes, "sh",
                                          ["-c", script, KlingMediaBinary.path, Fixtures.path("landscape.mp4"), disk],
                                          environment: sandbox.environment)
        try await eventually(what) {
            settled(running, try await sandbox.simulator.control.count("POST", "/v2/kling")) || !running.isRunning
        }
        try await sandbox.simulator.control.hold(false)
        return try SmallDisk.check(try await running.finish())
    }

    @Test func aFolderWithoutRoomForTheShotIsRefusedBeforeAnythingIsSent() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let disk = try diskFolder()
        let result = try await SmallDisk.run(folder: disk, kilobytes: 1024, KlingMediaBinary.path,
                                             ["continue", Fixtures.path("landscape.mp4"), "--prompt", prompt, "-o", disk + "/next.mp4"],
                                             environment: sandbox.environment)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("\(disk): 1.0 MB free, and the shot and the stitched result may take up to about 80.1 MB; "
                                              + "nothing was sent"), "\(result.standardError)")
        #expect(try await sandbox.simulator.control.log().isEmpty, "nothing reached the simulator")
        // `submit -o` asks the same for its one shot.
        let submitted = try await SmallDisk.run(folder: disk, kilobytes: 1024, KlingMediaBinary.path,
                                                ["submit", "--video-url", "https://example.com/shot.mp4", "--prompt", prompt,
                                                 "-o", disk + "/shot.mp4"], environment: sandbox.environment)
        #expect(submitted.status == 2 && submitted.standardError.contains("1.0 MB free, and the shot may take up to about 40.0 MB"),
                "\(submitted.standardError)")
        #expect(try await sandbox.simulator.control.count("POST", "/v2/") == 0)
    }

    /// A batch's lines in flight together are promised their room from the same free space: on a
    /// disk with room for two shots, three lines at once pay for two, and the third is refused
    /// before anything of it is sent, naming what the other two hold.
    @Test func aBatchsLinesInFlightShareTheRoomTheyArePromised() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let disk = try diskFolder()
        let batch = try Scratch.folder("kling-full-disk-batch")
        let lines = (1...3).map {
            #"{"clip": "\#(Fixtures.path("landscape.mp4"))", "prompt": "Based on @Video1, take \#($0)", "no_stitch": true, "output": "\#(disk)/take\#($0).mp4"}"#
        }
        try lines.joined(separator: "\n").write(to: batch.appendingPathComponent("takes.jsonl"), atomically: true, encoding: .utf8)
        // 100 MB: each line's one shot may take 40 MB; the jobs are held at the simulator, so no
        // line has saved (or given back its room) when the last one asks. The refusal is said when
        // it happens, while the other two are still held.
        let result = try await heldRun(sandbox, disk: disk, kilobytes: 100 * 1024,
                                       #""$0" batch "\#(batch.appendingPathComponent("takes.jsonl").path)" --concurrency 3"#,
                                       until: "two submissions and a refusal, or a third submission") { running, posts in
            posts == 3 || (posts == 2 && running.standardErrorSoFar.contains("not done"))
        }
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 2, "two shots paid for: \(result.standardError)")
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("] not done (unusable): \(disk): 104.9 MB free, 80.0 MB of it kept for 2 other "
                                              + "continuations still running, and the shot may take up to about 40.0 MB; nothing was "
                                              + "sent: free some space, run fewer at once (--concurrency), or give -o a folder on another disk"),
                "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").filter { $0.contains("shot 1 of 1: saved \(disk)/take") }.count == 2,
                "the two paid for saved: \(result.standardError)")
        #expect(result.standardOutput.contains("2 of 3 done; 1 not done"), "\(result.standardOutput)")
    }

    /// Separate runs share the promises too (a script that starts `continue` twice side by side):
    /// on a disk with room for one shot, one is paid for and the other refused before it sends.
    @Test func separateRunsShareTheRoomTheyArePromised() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let disk = try diskFolder()
        let both = #"for take in 1 2; do "$0" continue "$1" --no-stitch --prompt "Based on @Video1, take $take" -o "$2/take$take.mp4" & done; wait"#
        let result = try await heldRun(sandbox, disk: disk, kilobytes: 60 * 1024, both,
                                       until: "a submission and a refusal, or a second submission") { running, posts in
            posts == 2 || (posts == 1 && running.standardErrorSoFar.contains("nothing was sent"))
        }
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1, "one shot paid for: \(result.standardError)")
        #expect(result.standardError.contains("\(disk): 62.9 MB free, 40.0 MB of it kept for 1 other continuation still running, "
                                              + "and the shot may take up to about 40.0 MB; nothing was sent"), "\(result.standardError)")
        #expect(result.standardError.contains("shot 1 of 1: saved \(disk)/take"), "the one paid for saved: \(result.standardError)")
    }

    /// A run killed while it held its promise (SIGKILL: no chance to give it back) is seen to be
    /// gone: the next run on that disk has the room.
    @Test func aKilledRunsPromiseIsNotKeptFromTheNext() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let disk = try diskFolder()
        let script = killedOnceSubmitted + #"""
            "$0" continue "$1" --no-stitch --prompt "Based on @Video1, take 2" -o "$2/take2.mp4"
            """#
        let result = try await heldRun(sandbox, disk: disk, kilobytes: 60 * 1024, script,
                                       until: "the second submission, or the end") { _, posts in posts == 2 }
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 2)
    }

    /// A shot already paid for (a run killed while Segmind made it, taken up again by `resume`)
    /// cannot be refused, but its room is promised: a new run beside it on a disk with room for
    /// one shot is refused.
    @Test func aShotPaidForEarlierKeepsItsRoomFromNewRuns() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let disk = try diskFolder()
        let script = killedOnceSubmitted + #"""
            "$0" resume 2>"$2/resume.log" &
            until grep -q "submitted earlier; waiting for it" "$2/resume.log"; do sleep 0.1; done
            "$0" continue "$1" --no-stitch --prompt "Based on @Video1, take 2" -o "$2/take2.mp4"
            echo "second: $?"
            wait
            cat "$2/resume.log" >&2
            """#
        let result = try await heldRun(sandbox, disk: disk, kilobytes: 60 * 1024, script,
                                       until: "the second run's end, or a second submission") { running, posts in
            posts == 2 || running.standardOutputSoFar.contains("second:")
        }
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1, "one shot paid for: \(result.standardError)")
        #expect(result.standardOutput.contains("second: 2"), "\(result.standardOutput)")
        #expect(result.standardError.contains("40.0 MB of it kept for 1 other continuation still running"), "\(result.standardError)")
        #expect(result.standardError.contains("shot 1 of 1: saved \(disk)/take1.mp4"), "the paid-for shot saved: \(result.standardError)")
    }

    /// An edit that fills the disk says so of its output, never "could not be converted" of its
    /// input, and leaves nothing there (what the folder holds is listed before the disk ends).
    @Test func anEditThatFillsTheDiskSaysSoOfItsOutputAndLeavesNothing() async throws {
        let disk = try diskFolder()
        let script = "\"$0\" conform \"$1\" -o \"$2/end.mp4\"; status=$?; echo \"left: $(ls -A \"$2\")\"; exit $status"
        let result = try await SmallDisk.run(folder: disk, kilobytes: 64, "sh",
                                             ["-c", script, KlingMediaBinary.path, Fixtures.path("too_long.mp4"), disk])
        #expect(result.status != 0)
        #expect(result.standardError.contains("\(disk)/end.mp4: cannot write the output (No space left on device)"), "\(result.standardError)")
        #expect(!result.standardError.contains("could not be converted"))
        #expect(result.standardOutput.hasSuffix("left: \n"), "\(result.standardOutput)")
    }

    @Test func aDiskThatFillsWhileTheModelWorksKeepsThePaidShotToFetch() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let disk = try diskFolder()
        let output = disk + "/next.mp4"
        // Room enough when asked (80 MB and the clip twice), then filled by another program while
        // the job runs, held by the simulator until the disk is full.
        try await sandbox.simulator.control.hold(true)
        let running = try SmallDisk.start(folder: disk, kilobytes: 96 * 1024, KlingMediaBinary.path,
                                          ["continue", Fixtures.path("landscape.mp4"), "--prompt", prompt, "-o", output],
                                          environment: sandbox.environment)
        try await eventually("the submission") { try await sandbox.simulator.control.count("POST", "/v2/kling") == 1 || !running.isRunning }
        if running.isRunning { try await SmallDisk.fill(disk, of: running) }
        try await sandbox.simulator.control.hold(false)
        let result = try SmallDisk.check(try await running.finish())
        #expect(result.status == 5, "\(result.standardError)")
        #expect(result.standardError.contains("\(disk)/next.shot1.mp4: cannot write the download (No space left on device)"),
                "\(result.standardError)")
        let advice = try #require(result.standardError.firstMatch(of: /is done and paid for: once that is mended, `kling-media wait ([0-9a-f-]{36})` downloads it and stitches without a new job/),
                                  "\(result.standardError)")
        // Mended: the small disk ended with the process. Waiting for the job saves and stitches it.
        let waited = try await sandbox.run(["wait", String(advice.1)])
        #expect(waited.status == 0, "\(waited.standardError)")
        let oracle = try await FFprobeReport(path: output)
        #expect(abs((FFprobeReport.number(oracle.format["duration"]) ?? 0) - 10) < 0.1, "the 5 s clip and the 5 s shot")
        #expect(FileManager.default.fileExists(atPath: disk + "/next.shot1.mp4"))
        #expect(try await sandbox.simulator.control.count("POST", "/v2/kling") == 1, "one job, paid for once")
    }
}
