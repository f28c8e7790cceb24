import Foundation

/// Where the CLI finds the server and the token: `TSUNAGU_SERVER`/`TSUNAGU_TOKEN`, else the login saved
/// under the XDG config directory (`$XDG_CONFIG_HOME/tsunagu/login.json`, mode 0600).
struct Credentials: Codable, Sendable {
    var server: String
    var token: String

    static var file: URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("tsunagu/login.json")
    }

    static func load() throws(CLIFailure) -> Credentials {
        let environment = ProcessInfo.processInfo.environment
        if let server = environment["TSUNAGU_SERVER"], let token = environment["TSUNAGU_TOKEN"], !server.isEmpty, !token.isEmpty {
            return Credentials(server: server, token: token)
        }
        guard let data = FileManager.default.contents(atPath: file.path),
            let saved = try? JSONDecoder().decode(Credentials.self, from: data)
        else {
            throw CLIFailure("You are not logged in; run tsunagu login --server URL, or set TSUNAGU_SERVER and TSUNAGU_TOKEN.")
        }
        return saved
    }

    /// Saves the login readable by its owner only (the folder 0700, the file 0600 from its first byte).
    func save() throws(CLIFailure) {
        let file = Self.file
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(self)
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CLIFailure("Cannot write \(file.path); check that the folder is yours and writable.")
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure("Cannot write \(file.path); check that the folder is yours and writable.")
        }
    }
}
