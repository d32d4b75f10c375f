import Crypto
import FoundationEssentials

/// A stable fingerprint of a job's parameters: SHA-256 of their JSON with sorted keys.
enum ParameterHash {
    static func sha256(of parameters: KlingRequest) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return sha256(of: Array((try? encoder.encode(parameters)) ?? Data()))
    }

    static func sha256(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
