internal import CCurl

/// Process-wide facts about, and set-up of, the libcurl this process runs with.
public enum CurlLibrary {
    /// libcurl's version, e.g. "7.88.1", for `--version` and bug reports.
    public static var version: String {
        guard let info = curl_version_info(CCurl_CURLVERSION_NOW()), let version = info.pointee.version else {
            return "unknown"
        }
        return String(cString: version)
    }

    /// Our version as sent in User-Agent.
    static let userAgentVersion = "0.1"

    /// `curl_global_init` must run once before any handle, and before other threads use libcurl.
    private static let initialised: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    static func prepare() { _ = initialised }
}
