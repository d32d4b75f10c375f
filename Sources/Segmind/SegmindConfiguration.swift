import Support
import SystemPackage

/// Where the client talks and with which key, from the environment or a private config file.
public struct SegmindConfiguration: Sendable {
    public static let defaultBase = "https://api.segmind.com"
    /// Free plan: 5 requests a minute per key (Pro: 50). Polls may count against it.
    public static let defaultRequestsPerMinute = 5

    /// Segmind Storage's upload endpoint ("Segmind Storage" API reference).
    public static let defaultUploadURL = "https://workflows-api.segmind.com/upload-asset"

    public var apiKey: APIKey
    public var apiBase: String
    public var requestsPerMinute: Int
    public var uploadURL: String
    /// How fast time passes at the server: 1 at Segmind; below 1 only for a simulator run at a
    /// `--time-scale` (`SEGMIND_TIME_SCALE`), whose minutes and jobs pass faster. The plan's
    /// minute and the intervals between polls are scaled by it.
    public var timeScale: Double

    /// How long the plan's "minute" is, in seconds: 60 at Segmind.
    public var rateWindowSeconds: Double { 60 * timeScale }

    public init(apiKey: APIKey, apiBase: String = SegmindConfiguration.defaultBase,
                requestsPerMinute: Int = SegmindConfiguration.defaultRequestsPerMinute,
                uploadURL: String = SegmindConfiguration.defaultUploadURL, timeScale: Double = 1) {
        self.apiKey = apiKey
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.uploadURL = uploadURL
        self.timeScale = timeScale
    }

    /// Whether the key may go to `host`: the API's own host, or Segmind's.
    public func mayReceiveKey(_ host: String) -> Bool {
        host == apiHost || host == "segmind.com" || host.hasSuffix(".segmind.com")
    }

    /// The host the key may be sent to: the API base's.
    public var apiHost: String { URLParts(apiBase)?.host ?? "" }

    /// `SEGMIND_API_KEY`, `SEGMIND_API_BASE` and `SEGMIND_REQUESTS_PER_MINUTE` win; otherwise the
    /// config file (`$XDG_CONFIG_HOME/kling-media/config.json`, or `~/.config/…`), which must be
    /// readable by its owner only (mode 0600) when it holds a key. Nil when no key is set anywhere.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationError) -> SegmindConfiguration? {
        let file = try ConfigFile.load(at: configPath(environment: environment))
        guard let key = environment["SEGMIND_API_KEY"].flatMap({ $0.isEmpty ? nil : $0 }) ?? file?.apiKey else {
            return nil
        }
        let base = environment["SEGMIND_API_BASE"].flatMap { $0.isEmpty ? nil : $0 } ?? file?.apiBase ?? defaultBase
        try checkScheme(base, variable: "SEGMIND_API_BASE")
        let rate = try environment["SEGMIND_REQUESTS_PER_MINUTE"].map { text throws(ConfigurationError) in
            guard let value = Int(text), value > 0 else { throw .invalidRate(text) }
            return value
        } ?? file?.requestsPerMinute ?? defaultRequestsPerMinute
        let scale = try environment["SEGMIND_TIME_SCALE"].map { text throws(ConfigurationError) in
            guard let value = Double(text), value >= 0.001, value <= 1 else { throw .invalidTimeScale(text) }
            return value
        } ?? 1
        let upload = environment["SEGMIND_UPLOAD_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? file?.uploadURL ?? defaultUploadURL
        try checkScheme(upload, variable: "SEGMIND_UPLOAD_URL")
        return SegmindConfiguration(apiKey: APIKey(key), apiBase: base, requestsPerMinute: rate, uploadURL: upload,
                                    timeScale: scale)
    }

    /// An http(s) URL; plain http only to this machine (loopback), since the key rides along.
    static func checkScheme(_ url: String, variable: String) throws(ConfigurationError) {
        guard let parts = URLParts(url), ["https", "http"].contains(parts.scheme) else { throw .invalidBase(url) }
        if parts.scheme == "http", !parts.isLoopback { throw .cleartext(variable: variable, url: url) }
    }

    public static func configPath(environment: [String: String]) -> String {
        AppFolders.config(environment: environment) + "/config.json"
    }
}

/// The config file's content: `{"api_key": "SG_…", "api_base": "…", "requests_per_minute": 5}`.
struct ConfigFile: Decodable {
    var apiKey: String?
    var apiBase: String?
    var requestsPerMinute: Int?
    var uploadURL: String?

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case apiBase = "api_base"
        case requestsPerMinute = "requests_per_minute"
        case uploadURL = "upload_url"
    }

    static func load(at path: String) throws(ConfigurationError) -> ConfigFile? {
        guard let status = try? FilePath(path).stat() else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        let file: ConfigFile
        do { file = try JSONDecoder().decode(ConfigFile.self, from: data) } catch { throw .malformed(path) }
        // A key in a file others can read is a leaked key: refuse it rather than use it.
        if file.apiKey != nil, !status.permissions.isDisjoint(with: [.groupReadWriteExecute, .otherReadWriteExecute]) {
            throw .tooOpen(path, mode: Int(status.permissions.rawValue & 0o777))
        }
        return file
    }
}

public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case tooOpen(String, mode: Int)
    case unreadable(String)
    case malformed(String)
    case invalidBase(String)
    /// Plain http to a host that is not this machine: the key would travel in clear text.
    case cleartext(variable: String, url: String)
    case invalidRate(String)
    case invalidTimeScale(String)

    public var description: String {
        switch self {
        case .tooOpen(let path, let mode):
            return "\(path) holds an API key but others can read it (mode \(String(mode, radix: 8))); run `chmod 600 \(path)`"
        case .unreadable(let path):
            return "\(path): cannot read the config file"
        case .malformed(let path):
            return "\(path): not valid JSON of the form {\"api_key\": \"SG_…\", \"api_base\": \"https://…\"}"
        case .invalidBase(let base):
            return "SEGMIND_API_BASE and SEGMIND_UPLOAD_URL must be http(s) URLs, got \(Redaction.redact(base))"
        case .cleartext(let variable, let url):
            return "\(variable) is \(Redaction.redact(url)): plain http would send the API key in clear text to another machine; "
                + "use https (plain http is only for 127.0.0.1, as the simulator)"
        case .invalidRate(let text):
            return "SEGMIND_REQUESTS_PER_MINUTE must be a whole number above 0, got \(text)"
        case .invalidTimeScale(let text):
            return "SEGMIND_TIME_SCALE must be a number from 0.001 to 1 (1 at Segmind; the simulator's --time-scale), got \(text)"
        }
    }
}
