import ArgumentParser
import CurlHTTP
import Foundation
import TsunaguClient

extension Tsunagu {
    /// `tsunagu phone`: be the young woman, through the LINE sandbox.
    struct Phone: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Practise: chat with Tsunagu as a young user would, through the local LINE sandbox.",
            discussion: """
                Needs Tsunagu running in sandbox mode (scripts/run without a LINE channel). Type a message and press \
                Enter; when the bot offers choices they are numbered: type the number to tap one. Meanwhile, in \
                another terminal, a counsellor can tsunagu claim and tsunagu chat the case. /quit ends. The sandbox's \
                token comes from TSUNAGU_SANDBOX_TOKEN, or else data/local-sandbox-token (which scripts/run keeps).
                """)

        @Option(help: ArgumentHelp("The sandbox's address.", valueName: "url"))
        var sandbox = Composition.environment["TSUNAGU_SANDBOX_URL"] ?? "http://127.0.0.1:8082"
        @Option(help: ArgumentHelp("Her LINE user id on the sandbox (a new practice user when left out).", valueName: "id"))
        var user = "Upractice" + String(UInt32.random(in: 0...UInt32.max), radix: 16)

        func run() async throws {
            let transport = CurlTransport(configuration: .init(connectTimeout: .seconds(3), totalTimeout: .seconds(15)))
            defer { transport.shutdown() }
            let phone = PracticePhone(
                sandbox: sandbox, token: PracticePhone.sandboxToken(environment: Composition.environment), user: user, transport: transport,
                terminal: Composition.terminal)
            try await phone.run(typed: Composition.typedLines())
        }
    }
}
