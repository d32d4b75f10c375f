import Foundation
import HTTP
import TestSupport
import Testing

@Suite struct CurlLibraryTests {
    /// The oracle: the version Debian's libcurl development package declares to pkg-config.
    @Test func versionIsTheLinkedLibcurls() async throws {
        let declared = try await ProcessRunner.run("pkg-config", ["--modversion", "libcurl"])
        #expect(CurlLibrary.version == declared.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
