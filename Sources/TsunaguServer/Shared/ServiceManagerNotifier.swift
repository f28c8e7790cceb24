import Foundation
import Glibc
import Synchronization

/// Tells systemd when `tsunagud` is ready, for the Debian package's `Type=notify` unit.
///
/// systemd's protocol is one datagram to the Unix socket named by `NOTIFY_SOCKET` (a leading `@` names an
/// abstract socket). Only when both listeners accept connections does the unit count as started, so
/// `systemctl start` and the units ordered after it wait for a server that answers, not for a process that
/// exists. Without `NOTIFY_SOCKET` (not under systemd) it does nothing. libsystemd is not linked for one
/// `sendto`.
final class ServiceManagerNotifier: Sendable {
    private let socketPath: String?
    private let waiting: Mutex<Int>

    /// - Parameters:
    ///   - listeners: how many listeners must run before the service is ready.
    ///   - environment: where `NOTIFY_SOCKET` is read.
    init(listeners: Int, environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        waiting = Mutex(listeners)
    }

    /// Called by each listener once it runs; the last one sends `READY=1`.
    func listenerRunning() {
        let ready = waiting.withLock { count in
            count -= 1
            return count == 0
        }
        if ready { send("READY=1\nSTATUS=Both listeners are accepting connections.") }
    }

    private func send(_ message: String) {
        guard let socketPath else { return }
        var path = Array(socketPath.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        var address = sockaddr_un()
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (abstract ? 0 : 1))
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, bytes, bytes.count, 0, $0, length) }
        }
    }
}
