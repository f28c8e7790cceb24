import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu login`: checks a token with the server and saves both for later commands.
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in to a Tsunagu server with your staff token.",
            discussion: "The token is read from --token, or from standard input (so it stays out of your shell history). It is saved readable by you only.")

        @Option(help: ArgumentHelp("The staff listener, e.g. http://127.0.0.1:8081.", valueName: "url")) var server: String
        @Option(help: "Your staff token (tsu_…); read from standard input when left out.") var token: String?

        func run() async throws {
            let token = (self.token ?? readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else { throw CLIFailure("No token given; pass --token or type it on standard input.") }
            let credentials = Credentials(server: server, token: token)
            let client = StaffClient(credentials: credentials)
            defer { client.shutdown() }
            let me: StaffAPI.Me = try await client.get("/api/v1/me")
            try credentials.save()
            print("Logged in as \(me.name) (\(me.role)).")
        }
    }
}
