import ArgumentParser
import Foundation
import TsunaguClient

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
            let token = try StaffCommands.loginToken(file: tokenFile) { readLine(strippingNewline: true) }
            try await Composition.session(credentials: Credentials(server: server, token: token)) { commands in
                try await commands.login(environment: Composition.environment)
            }
        }
    }
}
