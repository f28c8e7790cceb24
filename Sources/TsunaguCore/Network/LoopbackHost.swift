/// Whether a host name or address stays on this machine: `localhost`, `127.0.0.0/8` and `::1`.
///
/// Decides which connections may skip protection that a network needs (a metrics token, certificate checks,
/// TLS to the staff listener). It looks at the text only and resolves nothing: a name that happens to resolve
/// to loopback counts as remote, the safe side.
public enum LoopbackHost {
    public static func contains(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { String($0) == part } ?? false }
    }
}
