import Foundation
import TestSupport
import HTTPTypes
import Testing
import Uploader

/// SigV4 against the oracle that defines it in practice: botocore, AWS's own Python signer, with
/// the same credentials, time and request.
@Suite struct SigV4Tests {
    private let signer = SigV4(credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                  sessionToken: nil), region: "eu-west-1")
    private let date = Date(timeIntervalSince1970: 1_795_608_000)   // 2026-11-25T12:00:00Z

    private func botocore(_ script: String) async throws -> String {
        let program = """
            import datetime, sys
            from unittest import mock
            import botocore.auth, botocore.awsrequest, botocore.credentials
            credentials = botocore.credentials.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            fixed = datetime.datetime(2026, 11, 25, 12, 0, 0)
            class FixedDateTime(datetime.datetime):
                @classmethod
                def utcnow(cls): return fixed
                @classmethod
                def now(cls, tz=None): return fixed if tz is None else fixed.replace(tzinfo=tz)
            with mock.patch("botocore.auth.datetime.datetime", FixedDateTime):
            \(script.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
        let result = try await ProcessRunner.run("python3", ["-c", program])
        // Without the oracle the test fails here, saying so, rather than reading an empty answer.
        try #require(result.status == 0, "botocore (Debian's python3-botocore) is the oracle for SigV4 and did not run: \(result.standardError)")
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func presignedGetMatchesBotocore() async throws {
        let url = "http://127.0.0.1:5555/my-bucket/clips/abc%20def.mp4"
        let ours = signer.presignedURL(for: url, expires: 3600, date: date)
        let theirs = try await botocore("""
            request = botocore.awsrequest.AWSRequest(method="GET", url="\(url)")
            botocore.auth.S3SigV4QueryAuth(credentials, "s3", "eu-west-1", expires=3600).add_auth(request)
            print(request.url)
            """)
        #expect(ours.split(separator: "?").first == theirs.split(separator: "?").first)
        #expect(Set(ours.split(separator: "?")[1].split(separator: "&")) == Set(theirs.split(separator: "?")[1].split(separator: "&")))
    }

    @Test func signedPutMatchesBotocore() async throws {
        let url = "http://127.0.0.1:5555/my-bucket/clips/shot.mp4?partNumber=2&uploadId=a%2Bb"
        // botocore hashes the body itself over plain HTTP: here the empty body's SHA-256.
        let emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        let ours = signer.headers(method: "PUT", url: url, payloadHash: emptyBodyHash, date: date)
        let theirs = try await botocore("""
            request = botocore.awsrequest.AWSRequest(method="PUT", url="\(url)", data=b"")
            botocore.auth.S3SigV4Auth(credentials, "s3", "eu-west-1").add_auth(request)
            print(request.headers["Authorization"])
            """)
        #expect(ours[.authorization] == theirs)
    }
}
