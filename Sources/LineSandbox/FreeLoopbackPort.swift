#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP port that was free a moment ago (bound to port 0, then released), for sandbox mode
/// with port 0 and for test servers that cannot report the port they bound themselves.
///
/// It lives with the sandbox, its one use outside tests, so that tests needing a port (the libcurl ones among
/// them) reach it without linking the server.
public enum FreeLoopbackPort {
    public struct Unavailable: Error {}

    public static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw Unavailable() }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
