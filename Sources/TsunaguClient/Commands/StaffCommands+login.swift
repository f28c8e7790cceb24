import Foundation
import TsunaguCore

extension StaffCommands {
    /// `tsunagu login`: checks the token with the server, then saves the login for later commands.
    /// - Parameter environment: the process's variables, which say where the login is saved.
    public func login(environment: [String: String]) async throws {
        let me: StaffAPI.Me = try await client.get(StaffPaths.me)
        try client.credentials.save(environment: environment)
        terminal.say("Logged in as \(me.name) (\(me.role)).")
    }

    /// The token `login` checks: from `file`, or else the line `typed` reads (standard input); never from the
    /// command line, where ps and the shell's history would show it.
    public static func loginToken(file: String?, typed: () -> String?) throws(CLIFailure) -> String {
        let text: String?
        if let file {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CLIFailure("Cannot read \(file); name a file holding your token, or type the token on standard input.")
            }
            text = contents
        } else {
            text = typed()
        }
        let token = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CLIFailure("No token given; type it on standard input, or pass --token-file FILE.") }
        return token
    }
}
