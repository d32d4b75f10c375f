import Foundation
import TestSupport
import Testing

/// What keeps the sources building on macOS, which CI here cannot build: the system modules are
/// named in each target's `Platform.swift` only, under `canImport`. `FoundationEssentials` is a
/// module of its own on Linux and none on macOS (Foundation is), and `Glibc` is Linux's C library
/// (Darwin is macOS's): five of the simulator's files imported `FoundationEssentials` directly, and
/// with them `kling-media` (which runs the built-in simulator) could not build on a Mac.
@Suite struct PortableSourcesTests {
    private static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    @Test func systemModulesAreNamedOnlyInEachTargetsPlatformFile() throws {
        let files = try #require(FileManager.default.enumerator(atPath: Self.sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasSuffix("/Platform.swift") }
        #expect(files.count > 100, "the sources were not found at \(Self.sources.path)")
        let platformSpecific = /^\s*(@_exported\s+)?import\s+(FoundationEssentials|Glibc|Darwin|Musl)\b|canImport\((FoundationEssentials|Glibc|Darwin)\)/
        var offending: [String] = []
        for file in files {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(platformSpecific) {
                offending.append("Sources/\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offending.isEmpty, "name system modules in the target's Platform.swift (under canImport), not here:\n\(offending.joined(separator: "\n"))")
    }

    /// An FFmpeg older than 5.1 (Ubuntu 22.04's 4.4) is refused at build time in one sentence: the
    /// shim compiled by the C compiler against this system's FFmpeg headers, and against a copy
    /// of them that says libavcodec 58.
    @Test func anFFmpegOlderThanFiveOneIsRefusedInWords() async throws {
        let flags = try await ProcessRunner.run("pkg-config", ["--cflags-only-I", "libavcodec"])
        let system = flags.standardOutput.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { $0.hasPrefix("-I") }.map { String($0.dropFirst(2)) } ?? "/usr/include"
        let copy = try Scratch.folder("kling-old-ffmpeg")
        for library in ["libavcodec", "libavformat", "libavutil", "libswscale", "libswresample", "libavfilter"] {
            try FileManager.default.copyItem(atPath: system + "/" + library, toPath: copy.appendingPathComponent(library).path)
        }
        let source = copy.appendingPathComponent("probe.c")
        try #"#include "shim.h""#.write(to: source, atomically: true, encoding: .utf8)
        let shim = Self.sources.appendingPathComponent("CFFmpeg").path
        let current = try await ProcessRunner.run("cc", ["-fsyntax-only", "-I", copy.path, "-I", shim, source.path])
        #expect(current.status == 0, "this system's FFmpeg: \(current.standardError)")
        let major = copy.appendingPathComponent("libavcodec/version_major.h")
        let header = FileManager.default.fileExists(atPath: major.path) ? major : copy.appendingPathComponent("libavcodec/version.h")
        let text = try String(contentsOf: header, encoding: .utf8)
        let lowered = text.replacing(/#define LIBAVCODEC_VERSION_MAJOR\s+[0-9]+/, with: "#define LIBAVCODEC_VERSION_MAJOR 58")
        #expect(lowered != text, "no LIBAVCODEC_VERSION_MAJOR in \(header.path)")
        try lowered.write(to: header, atomically: true, encoding: .utf8)
        let old = try await ProcessRunner.run("cc", ["-fsyntax-only", "-I", copy.path, "-I", shim, source.path])
        #expect(old.status != 0 && old.standardError.contains("kling-media needs FFmpeg 5.1 or later"), "\(old.standardError)")
    }
}
