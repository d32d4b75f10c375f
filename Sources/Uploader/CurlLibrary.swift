internal import CCurl

/// Facts about the libcurl this process runs with.
public enum CurlLibrary {
    /// libcurl's version, e.g. "7.88.1", for `--version` and bug reports.
    public static var version: String {
        guard let info = curl_version_info(CCurl_CURLVERSION_NOW()), let version = info.pointee.version else {
            return "unknown"
        }
        return String(cString: version)
    }
}
