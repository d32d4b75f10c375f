import Foundation
import HTTP
import HTTPTypes
import Segmind
import Support
import TestSupport
import Testing

/// Where the key and the API base come from, and the refusal of a key others can read.
@Suite struct ConfigurationTests {
    private func configHome(fileMode: Int?, content: String) throws -> [String: String] {
        let home = Scratch.temporary.appendingPathComponent("kling-config-\(UUID().uuidString)")
        let folder = home.appendingPathComponent("kling-media")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let fileMode {
            let file = folder.appendingPathComponent("config.json")
            try Data(content.utf8).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: fileMode], ofItemAtPath: file.path)
        }
        return ["XDG_CONFIG_HOME": home.path]
    }

    @Test func environmentKeyAndBaseWin() throws {
        var environment = try configHome(fileMode: 0o600, content: #"{"api_key": "SG_aaaa0000", "api_base": "https://file.example"}"#)
        environment["SEGMIND_API_KEY"] = "SG_bbbb1111"
        environment["SEGMIND_API_BASE"] = "http://127.0.0.1:9/"
        let configuration = try #require(try SegmindConfiguration.load(environment: environment))
        #expect(configuration.apiKey == APIKey("SG_bbbb1111"))
        #expect(configuration.apiBase == "http://127.0.0.1:9")
        #expect(configuration.requestsPerMinute == 5)
    }

    @Test func privateConfigFileIsRead() throws {
        let environment = try configHome(fileMode: 0o600, content: #"{"api_key": "SG_aaaa0000", "requests_per_minute": 50}"#)
        let configuration = try #require(try SegmindConfiguration.load(environment: environment))
        #expect(configuration.apiKey == APIKey("SG_aaaa0000"))
        #expect(configuration.apiBase == "https://api.segmind.com")
        #expect(configuration.requestsPerMinute == 50)
    }

    @Test func configFileOthersCanReadIsRefused() throws {
        let environment = try configHome(fileMode: 0o644, content: #"{"api_key": "SG_aaaa0000"}"#)
        let path = SegmindConfiguration.configPath(environment: environment)
        #expect(throws: ConfigurationError.tooOpen(path, mode: 0o644)) { try SegmindConfiguration.load(environment: environment) }
    }

    @Test(arguments: [("SEGMIND_API_BASE", "http://api.segmind.com"), ("SEGMIND_UPLOAD_URL", "http://10.0.0.5:8080/upload-asset")])
    func plainHTTPOffThisMachineIsRefused(variable: String, url: String) throws {
        var environment = try configHome(fileMode: nil, content: "")
        environment["SEGMIND_API_KEY"] = "SG_bbbb1111"
        environment[variable] = url
        #expect(throws: ConfigurationError.cleartext(variable: variable, url: url)) { try SegmindConfiguration.load(environment: environment) }
    }

    @Test(arguments: ["http://127.0.0.1:8181", "http://localhost:8181", "http://[::1]:8181", "https://api.example"])
    func loopbackMayUsePlainHTTP(base: String) throws {
        var environment = try configHome(fileMode: nil, content: "")
        environment["SEGMIND_API_KEY"] = "SG_bbbb1111"
        environment["SEGMIND_API_BASE"] = base
        #expect(try SegmindConfiguration.load(environment: environment)?.apiBase == base)
    }

    @Test func noKeyAnywhereIsNil() throws {
        #expect(try SegmindConfiguration.load(environment: try configHome(fileMode: nil, content: "")) == nil)
    }

    @Test func keyNeverShowsInText() {
        let key = APIKey("SG_0123456789abcdef")
        #expect("\(key)" == "SG_…(redacted)")
        #expect(String(reflecting: key) == "SG_…(redacted)")
        #expect(key.looksLikeSegmindKey)
        #expect(!APIKey("sk-live-123").looksLikeSegmindKey)
    }
}

@Suite struct RedactionTests {
    @Test func keysAndURLSignaturesAreRemoved() {
        let text = "key SG_0123456789abcdef failed for https://s3.example/b/k.mp4?X-Amz-Signature=deadbeef&X-Amz-Expires=900 ok"
        #expect(Redaction.redact(text) == "key SG_…(redacted) failed for https://s3.example/b/k.mp4?…(redacted) ok")
    }
}
