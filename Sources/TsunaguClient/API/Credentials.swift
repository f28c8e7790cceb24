import Foundation

/// Where the CLI finds the server and the token: `TSUNAGU_SERVER`/`TSUNAGU_TOKEN`, else the login saved
/// under the XDG config directory (`$XDG_CONFIG_HOME/tsunagu/login.json`, mode 0600).
public struct Credentials: Codable, Sendable, Equatable {
    public var server: String
    public var token: String

    public init(server: String, token: String) { (self.server, self.token) = (server, token) }

    /// The saved login's file, from the process's variables.
    static func file(environment: [String: String]) -> URL {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("tsunagu/login.json")
    }

    /// - Parameter environment: the process's variables, which win over the saved login.
    public static func load(environment: [String: String]) throws(CLIFailure) -> Credentials {
        if let server = environment["TSUNAGU_SERVER"], let token = environment["TSUNAGU_TOKEN"], !server.isEmpty, !token.isEmpty {
            return Credentials(server: server, token: token)
        }
        guard let data = FileManager.default.contents(atPath: file(environment: environment).path),
            let saved = try? JSONDecoder().decode(Credentials.self, from: data)
        else {
            throw CLIFailure("You are not logged in; run tsunagu login --server URL, or set TSUNAGU_SERVER and TSUNAGU_TOKEN.")
        }
        return saved
    }

    /// Saves the login readable by its owner only (the folder 0700, the file 0600 from its first byte).
    func save(environment: [String: String]) throws(CLIFailure) {
        let file = Self.file(environment: environment)
        let folder = file.deletingLastPathComponent()
        let failure = CLIFailure("Cannot write \(file.path); check that the folder is yours and writable.")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(self)
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600]) else { throw failure }
        } catch {
            throw failure
        }
    }
}
