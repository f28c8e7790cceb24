import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu login`: checks a token with the server and saves both for later commands.
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in to a Tsunagu server with your staff token.",
            discussion: """
                The token is read from standard input, or from the file --token-file names; never from the command \
                line, where ps and the shell's history would show it. It is saved readable by you only.
                """)

        @Option(help: ArgumentHelp("The staff listener, e.g. https://staff.example.city or http://127.0.0.1:8081.", valueName: "url"))
        var server: String
        @Option(help: ArgumentHelp("A file holding your staff token (tsu_…); standard input when left out.", valueName: "file"))
        var tokenFile: String?

        func run() async throws {
            let text: String?
            if let tokenFile {
                guard let contents = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                    throw CLIFailure("Cannot read \(tokenFile); name a file holding your token, or type the token on standard input.")
                }
                text = contents
            } else {
                text = readLine(strippingNewline: true)
            }
            let token = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw CLIFailure("No token given; type it on standard input, or pass --token-file FILE.") }
            let credentials = Credentials(server: server, token: token)
            let client = StaffClient(credentials: credentials)
            defer { client.shutdown() }
            let me: StaffAPI.Me = try await client.get("/api/v1/me")
            try credentials.save()
            print("Logged in as \(me.name) (\(me.role)).")
        }
    }
}
