import CurlHTTP
import Foundation
import LineSandbox
import Testing
import TsunaguTesting

#if canImport(Glibc)
import Glibc
#endif

/// TLS is always verified: a private CA works when configured, and only then.
@Suite("CurlTransport over TLS", .serialized)
struct CurlTransportTLSTests {
    /// A CA and a server certificate for 127.0.0.1/localhost signed by it, made with the openssl command.
    struct TestPKI {
        let directory: TemporaryDirectory
        var caPath: String { directory.path("ca.pem") }
        var certPath: String { directory.path("server.pem") }
        var keyPath: String { directory.path("server.key") }

        init(name: String) throws {
            directory = try TemporaryDirectory()
            let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            try openssl(["req", "-x509"] + ec + ["-keyout", directory.path("ca.key"), "-out", caPath, "-days", "1", "-subj", "/CN=\(name)"])
            try openssl(["req"] + ec + ["-keyout", keyPath, "-out", directory.path("server.csr"), "-subj", "/CN=localhost"])
            try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: directory.path("ext.cnf"), atomically: true, encoding: .utf8)
            try openssl([
                "x509", "-req", "-in", directory.path("server.csr"), "-CA", caPath, "-CAkey", directory.path("ca.key"),
                "-CAcreateserial", "-out", certPath, "-days", "1", "-extfile", directory.path("ext.cnf"),
            ])
        }

        private func openssl(_ arguments: [String]) throws {
            let process = try ChildProcess(
                executable: "/usr/bin/openssl", arguments: arguments, environment: ProcessInfo.processInfo.environment,
                standardOutput: .discarded, standardError: .discarded)
            guard process.waitUntilExit() == 0 else { throw DaemonLikeError("openssl \(arguments[0]) failed") }
        }
    }

    struct DaemonLikeError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// `openssl s_server -www` on a free loopback port: answers `GET /` over TLS with a status page.
    final class TLSServer {
        let process: ChildProcess
        let port: Int

        init(pki: TestPKI) async throws {
            port = try FreeLoopbackPort.find()
            process = try ChildProcess(
                executable: "/usr/bin/openssl",
                arguments: ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", pki.certPath, "-key", pki.keyPath, "-www", "-quiet"],
                environment: ProcessInfo.processInfo.environment, standardOutput: .discarded, standardError: .discarded)
            // Poll with a deadline until it accepts connections.
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if Self.accepts(port) { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw DaemonLikeError("openssl s_server did not start")
        }

        private static func accepts(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }

        /// Stops the server, so that no test run leaves one behind.
        func stop() { process.signal(SIGTERM) }
    }

    @Test("a server signed by a CA made in the test is trusted with that CA, and refused without it or with another")
    func privateCA() async throws {
        let pki = try TestPKI(name: "Tsunagu Test CA")
        let otherCA = try TestPKI(name: "Some Other CA")
        let server = try await TLSServer(pki: pki)
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/"

        let trusted = try await CurlTransport(configuration: .init(caBundlePath: pki.caPath))
            .send(HTTPClientRequest(method: "GET", url: url))
        #expect(trusted.status == 200)

        for transport in [CurlTransport(), CurlTransport(configuration: .init(caBundlePath: otherCA.caPath))] {
            let error = await #expect(throws: HTTPTransportError.self) {
                try await transport.send(HTTPClientRequest(method: "GET", url: url))
            }
            #expect(error?.code == .tlsVerificationFailed, "got \(String(describing: error))")
        }
    }
}
