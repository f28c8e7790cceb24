import Foundation
import Glibc
import LineSandbox
import Testing
import TsunaguServer
import TsunaguTesting

/// `Type=notify`: `tsunagud serve` tells systemd it is ready only once both listeners accept connections.
@Suite("Readiness for systemd")
struct ReadinessTests {
    /// A Unix datagram socket standing in for systemd's notification socket.
    final class NotifySocket: Sendable {
        let path: String
        let descriptor: Int32

        init(path: String) throws {
            self.path = path
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard descriptor >= 0, bound == 0 else { throw DaemonError("cannot bind a notification socket at \(path)") }
        }

        /// The next datagram, if one has arrived (never blocks).
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
        }

        deinit { close(descriptor) }
    }

    @Test("READY=1 reaches NOTIFY_SOCKET once, when both listeners already accept connections")
    func notifiesWhenBothListen() async throws {
        let directory = try TemporaryDirectory()
        let notify = try NotifySocket(path: directory.path("notify"))
        let (webhookPort, staffPort) = (try FreeLoopbackPort.find(), try FreeLoopbackPort.find())
        let daemon = try DaemonProcess(
            environment: DaemonProcess.environment(
                database: directory.path("tsunagu.sqlite"),
                extra: ["NOTIFY_SOCKET": notify.path, "TSUNAGU_WEBHOOK_PORT": "\(webhookPort)", "TSUNAGU_STAFF_PORT": "\(staffPort)"]))
        let messages = Locked<[String]>([])
        let ready = await eventually(within: .seconds(60), every: .milliseconds(20)) {
            if let message = notify.receive() { messages.withLock { $0.append(message) } }
            return messages.value.contains { $0.contains("READY=1") }
        }
        #expect(ready, "no READY=1; stderr:\n\(daemon.stderr)")
        // At once, with no retry: a connection refused here means READY=1 came too early.
        for port in [webhookPort, staffPort] {
            let connection = try RawHTTPConnection(port: port)
            connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(connection.readResponseHead().hasPrefix("HTTP/1.1 200"), "port \(port) was not serving when READY=1 came")
        }
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        while let message = notify.receive() { messages.withLock { $0.append(message) } }
        #expect(messages.value.filter { $0.contains("READY=1") }.count == 1)
    }
}
