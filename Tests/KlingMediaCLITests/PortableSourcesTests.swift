import Foundation
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
}
