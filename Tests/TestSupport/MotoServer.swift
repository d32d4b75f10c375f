import Foundation
import HTTP

/// moto's S3-compatible server (Debian's python3-moto) on a free loopback port, for the S3 upload tests.
/// It stores what it is sent; it does not check signatures, which `SigV4Tests` checks against
/// botocore instead.
public final class MotoServer: @unchecked Sendable {
    // Set once in init; `stop` only signals the process.
    public let port: Int
    private let process: Process

    public init() async throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import os, time
            from moto.server import ThreadedMotoServer
            parent = os.getppid()
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            print(server._server.server_port, flush=True)
            while os.getppid() == parent:
                time.sleep(0.5)
            """]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // The server ends with this process too (it watches its parent), should `stop` never run.
        try process.run()
        guard let port = Int(await output.firstLine().trimmingCharacters(in: .whitespaces)) else {
            kill(process.processIdentifier, SIGKILL)
            throw OracleError.failed(path: "moto", message: "moto's S3 server (the S3 tests' oracle) did not start: apt-get install python3-moto python3-flask python3-flask-cors")
        }
        self.port = port
    }

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The AWS variables that point a client at this server.
    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": "AKIDMOTO", "AWS_SECRET_ACCESS_KEY": "moto-secret-key", "AWS_REGION": "us-east-1",
         "AWS_ENDPOINT_URL": endpoint]
    }

    /// Creates a bucket (moto takes an unsigned request for it).
    public func createBucket(_ name: String) async throws {
        let response = try await HTTPClient().send(HTTPExchange(.put, url: "\(endpoint)/\(name)"))
        guard response.isSuccess else { throw OracleError.failed(path: name, message: response.bodyText) }
    }

    /// SIGKILL: a test server needs no goodbye, and under the test runner Python may inherit
    /// SIGTERM ignored.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { if process.isRunning { stop() } }
}
